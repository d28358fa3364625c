import {
  Inject,
  Injectable,
  Logger,
  OnModuleDestroy,
  OnModuleInit,
  Optional,
} from '@nestjs/common';
import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import type { NatsNames } from '@app/contracts';
import type { ApiKey } from '@app/database';
import { decodeJson, encodeJson, InjectNats, InjectNatsNames } from '@app/messaging';
import type { AuthAccount } from './auth-user';

/** How long a user or key look-up is reused without asking the database again. */
export const AUTH_CACHE_TTL_MS = 5_000;
/** Overrides AUTH_CACHE_TTL_MS (0: no caching). */
export const AUTH_CACHE_TTL = Symbol('AUTH_CACHE_TTL');
/** Entries kept at most per map (the oldest go first). */
const MAX_ENTRIES = 10_000;

export type KeyWithOwner = ApiKey & { user: AuthAccount };

/** What a verified access token says (its signature, algorithm and expiry checked). */
export interface TokenClaims {
  sub?: unknown;
  /** Seconds since the epoch. */
  exp?: number;
}

/** What a revocation event names. */
export type Revoked = { userId: string } | { apiKeyId: string };

class TtlMap<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();
  constructor(private readonly ttlMs: number) {}

  get(key: string, now: number): V | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.until > now) return hit.value;
    this.entries.delete(key);
    return undefined;
  }

  /** Kept for the TTL, or until `notAfter` (ms) when that comes first. */
  set(key: string, value: V, now: number, notAfter = Infinity): void {
    if (this.ttlMs <= 0) return;
    if (this.entries.size >= MAX_ENTRIES) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, until: Math.min(now + this.ttlMs, notAfter) });
  }

  deleteWhere(match: (value: V, key: string) => boolean): void {
    for (const [key, { value }] of this.entries) if (match(value, key)) this.entries.delete(key);
  }
}

/**
 * The auth guard's look-ups (users by id, API keys with their owner by prefix, and the claims of
 * access tokens already verified), reused for AUTH_CACHE_TTL_MS. Revocation is instant: revoking a key or deactivating a user drops the
 * entries here and broadcasts the event on NATS (`auth.revoked`), on which every gateway process
 * drops its own. A look-up that finds nothing is never cached.
 */
@Injectable()
export class AuthCache implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(AuthCache.name);
  private readonly users: TtlMap<AuthAccount>;
  private readonly keys: TtlMap<KeyWithOwner>;
  private readonly tokens: TtlMap<TokenClaims>;
  private sub?: Subscription;

  constructor(
    @Optional() @InjectNats() private readonly nc?: NatsConnection,
    @Optional() @InjectNatsNames() private readonly names?: NatsNames,
    @Optional() @Inject(AUTH_CACHE_TTL) ttlMs?: number,
  ) {
    this.users = new TtlMap(ttlMs ?? AUTH_CACHE_TTL_MS);
    this.keys = new TtlMap(ttlMs ?? AUTH_CACHE_TTL_MS);
    this.tokens = new TtlMap(ttlMs ?? AUTH_CACHE_TTL_MS);
  }

  onModuleInit(): void {
    if (!this.nc || !this.names) return;
    this.sub = this.nc.subscribe(this.names.auth.revoked, {
      callback: (error, msg) => {
        if (error) return;
        try {
          this.drop(decodeJson(msg.data) as Revoked);
        } catch {
          // a malformed event names nothing
        }
      },
    });
  }

  onModuleDestroy(): void {
    this.sub?.unsubscribe();
  }

  async user(id: string, load: () => Promise<AuthAccount | null>): Promise<AuthAccount | null> {
    const hit = this.users.get(id, Date.now());
    if (hit) return hit;
    const user = await load();
    if (user) this.users.set(id, user, Date.now());
    return user;
  }

  async key(
    prefix: string,
    load: () => Promise<KeyWithOwner | null>,
  ): Promise<KeyWithOwner | null> {
    const hit = this.keys.get(prefix, Date.now());
    if (hit) return hit;
    const key = await load();
    if (key) this.keys.set(prefix, key, Date.now());
    return key;
  }

  /**
   * The claims of `token`, verified by `verify` (which throws for a bad token) at most once per
   * TTL: a client polling with one token pays the HMAC and the parsing once, not per request.
   * Keyed by the whole token, signature included, so only the exact bytes verified match; an
   * entry never outlives the token's own `exp`. The user behind it is still looked up (and
   * checked as active) on every request.
   */
  token(token: string, verify: () => TokenClaims): TokenClaims {
    const now = Date.now();
    const hit = this.tokens.get(token, now);
    if (hit) return hit;
    const claims = verify();
    this.tokens.set(
      token,
      claims,
      now,
      typeof claims.exp === 'number' ? claims.exp * 1000 : Infinity,
    );
    return claims;
  }

  /** Drops the entries here and tells every other gateway process to drop theirs. */
  async revoked(event: Revoked): Promise<void> {
    this.drop(event);
    if (!this.nc || !this.names) return;
    try {
      this.nc.publish(this.names.auth.revoked, encodeJson(event));
      await this.nc.flush();
    } catch (e) {
      // The entries elsewhere still expire within the TTL.
      this.logger.warn(`revocation not broadcast: ${(e as Error).message}`);
    }
  }

  private drop(event: Revoked): void {
    if ('userId' in event && typeof event.userId === 'string') {
      this.users.deleteWhere((_u, id) => id === event.userId);
      this.keys.deleteWhere((k) => k.userId === event.userId);
    }
    if ('apiKeyId' in event && typeof event.apiKeyId === 'string')
      this.keys.deleteWhere((k) => k.id === event.apiKeyId);
  }
}
