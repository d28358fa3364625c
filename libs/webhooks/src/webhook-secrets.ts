import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** How long a rotated-out secret keeps signing deliveries. */
export const PREVIOUS_SECRET_VALIDITY_MS = 24 * 3600 * 1000;

/** A new signing secret in the Standard Webhooks form: `whsec_` + base64 of 32 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

export interface SigningSecrets {
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: Date | null;
}

/**
 * The `webhook-signature` header: `v1,<base64>` by the current secret, and by the previous one
 * while it is still valid, separated by a space (receivers accept any one that verifies).
 */
export function signatureHeader(
  secrets: SigningSecrets,
  msgId: string,
  timestamp: Date,
  payload: string,
  now: Date = new Date(),
): string {
  const keys = [secrets.secret];
  if (
    secrets.previousSecret &&
    secrets.previousSecretExpiresAt &&
    secrets.previousSecretExpiresAt > now
  ) {
    keys.push(secrets.previousSecret);
  }
  return keys.map((k) => new Webhook(k).sign(msgId, timestamp, payload)).join(' ');
}
