import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** What a token grants: downloading one output or one job's archive, or following its events. */
export type TokenPurpose = 'output' | 'archive' | 'events';

export interface SignedToken {
  token: string;
  expiresAt: Date;
}

/**
 * Short-lived HMAC tokens for URLs that must work without headers (a `<video src>`, a CDN, an
 * EventSource). A token names its purpose, the resource, the user it acts for and its expiry;
 * the key is derived from JWT_SECRET with HKDF (so nothing new to configure, and a token is
 * never valid as a JWT or the other way round). Format: `<userId>.<expiry s>.<base64url MAC>`.
 */
@Injectable()
export class SignedTokens {
  private readonly key: Buffer;

  constructor(config: ConfigService) {
    this.key = Buffer.from(
      hkdfSync(
        'sha256',
        config.getOrThrow<string>('JWT_SECRET'),
        'video-mixer-pro',
        'signed links v1',
        32,
      ),
    );
  }

  sign(purpose: TokenPurpose, resourceId: string, userId: string, seconds: number): SignedToken {
    const expires = Math.floor(Date.now() / 1000) + Math.ceil(seconds);
    return {
      token: `${userId}.${expires}.${this.mac(purpose, resourceId, userId, expires)}`,
      expiresAt: new Date(expires * 1000),
    };
  }

  /** The user the token acts for; null when it is malformed, tampered with or expired. */
  verify(purpose: TokenPurpose, resourceId: string, token: string | undefined): string | null {
    const m = /^([A-Za-z0-9_-]{1,64})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token ?? '');
    if (!m) return null;
    const [, userId, expiry, mac] = m;
    const expected = Buffer.from(this.mac(purpose, resourceId, userId, Number(expiry)));
    if (!timingSafeEqual(expected, Buffer.from(mac))) return null;
    return Number(expiry) * 1000 > Date.now() ? userId : null;
  }

  private mac(purpose: TokenPurpose, resourceId: string, userId: string, expiry: number) {
    return createHmac('sha256', this.key)
      .update(`${purpose}\n${resourceId}\n${userId}\n${expiry}`)
      .digest('base64url');
  }
}
