import { ForbiddenException } from '@nestjs/common';
import type { Request } from 'express';
import { tenantScope } from '@app/database';
import type { SignedLinkDto } from './create-link.dto';
import type { SignedTokens, TokenPurpose } from './signed-tokens';

/**
 * The absolute URL of a signed link: `PUBLIC_URL` when set, else the request's own host, then
 * the route's path (under /api/v1) and the token as `?token=`.
 */
function signedLinkUrl(req: Request, path: string, token: string): string {
  const base = process.env.PUBLIC_URL?.replace(/\/$/, '') ?? `${req.protocol}://${req.get('host')}`;
  return `${base}/api/v1/${path}?token=${token}`;
}

/** A signed link to `path` for `purpose` on `resourceId`, acting for `userId`. */
export function signedLink(
  tokens: SignedTokens,
  req: Request,
  link: {
    purpose: TokenPurpose;
    resourceId: string;
    userId: string;
    seconds: number;
    path: string;
  },
): SignedLinkDto {
  const { token, expiresAt } = tokens.sign(
    link.purpose,
    link.resourceId,
    link.userId,
    link.seconds,
  );
  return { url: signedLinkUrl(req, link.path, token), expiresAt };
}

/**
 * The user a signed link acts for, who becomes the request's tenant (row level security reads
 * as them); 403 when the token is missing, malformed, tampered with or expired.
 */
export function linkOwner(
  tokens: SignedTokens,
  purpose: TokenPurpose,
  resourceId: string,
  token: string | undefined,
): string {
  const userId = tokens.verify(purpose, resourceId, token);
  if (!userId) throw new ForbiddenException('the link is invalid or has expired');
  const scope = tenantScope.current();
  if (scope) scope.userId = userId;
  return userId;
}
