import { Webhook } from 'standardwebhooks';
import { newWebhookSecret, signatureHeader } from './webhook-secrets';

const payload = JSON.stringify({ type: 'job.completed', data: { jobId: 'j1' } });
const at = new Date('2026-12-01T00:00:00Z');

function verifies(secret: string, signature: string): boolean {
  try {
    new Webhook(secret).verify(payload, {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': signature,
    });
    return true;
  } catch {
    return false;
  }
}

describe('signing webhook deliveries', () => {
  beforeAll(() => jest.useFakeTimers({ now: at, doNotFake: ['nextTick', 'setImmediate'] }));
  afterAll(() => jest.useRealTimers());

  it('makes distinct whsec_ secrets', () => {
    const a = newWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(newWebhookSecret()).not.toBe(a);
  });

  it('signs with the current secret only when none was rotated out', () => {
    const secret = newWebhookSecret();
    const header = signatureHeader(
      { secret, previousSecret: null, previousSecretExpiresAt: null },
      'msg_1',
      at,
      payload,
    );
    expect(header.split(' ')).toHaveLength(1);
    expect(verifies(secret, header)).toBe(true);
    expect(verifies(newWebhookSecret(), header)).toBe(false);
  });

  it('signs with both secrets while the previous one is valid, then with the new one only', () => {
    const secret = newWebhookSecret();
    const previousSecret = newWebhookSecret();
    const expires = new Date(at.getTime() + 1000);
    const during = signatureHeader(
      { secret, previousSecret, previousSecretExpiresAt: expires },
      'msg_1',
      at,
      payload,
      at,
    );
    expect(during.split(' ')).toHaveLength(2);
    expect(verifies(secret, during)).toBe(true);
    expect(verifies(previousSecret, during)).toBe(true);

    const after = signatureHeader(
      { secret, previousSecret, previousSecretExpiresAt: expires },
      'msg_1',
      at,
      payload,
      new Date(expires.getTime() + 1),
    );
    expect(verifies(secret, after)).toBe(true);
    expect(verifies(previousSecret, after)).toBe(false);
  });
});
