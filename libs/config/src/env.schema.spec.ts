import Joi from 'joi';
import { DEV_JWT_SECRET, gatewayEnvSchema, workerEnvSchema } from './env.schema';
import { DEFAULT_PAYMENT_PACKS, parsePaymentPacks } from './payment-packs';

const SECRET = 'q7Lx9-Vb2R_mZp4TcW8yKd3NfH6sJg1A';

describe('environment schema', () => {
  it('fills every default when nothing is set', () => {
    const { error, value } = Joi.object(gatewayEnvSchema).validate({ JWT_SECRET: SECRET });
    expect(error).toBeUndefined();
    expect(value.PORT).toBe(3000);
    expect(value.PAYMENTS_PROVIDER).toBe('dev');
    expect(value.MAX_UPLOAD_BYTES).toBe(2 * 1024 ** 3);
  });

  it('names each malformed variable in one message', () => {
    const { error } = Joi.object(gatewayEnvSchema).validate(
      { PORT: 'eighty', DATABASE_URL: 'mysql://x', JWT_SECRET: 'short' },
      { abortEarly: false },
    );
    expect(error?.message).toContain('"PORT"');
    expect(error?.message).toContain('"DATABASE_URL"');
    expect(error?.message).toContain('"JWT_SECRET" must be at least 32 characters');
  });

  for (const mode of ['production', 'development', 'test']) {
    it(`refuses a missing, published or weak JWT secret in ${mode}`, () => {
      const schema = Joi.object(gatewayEnvSchema);
      expect(schema.validate({ NODE_ENV: mode }).error?.message).toContain(
        '"JWT_SECRET" must be set',
      );
      for (const weak of [
        DEV_JWT_SECRET,
        'a'.repeat(64),
        'abababababababababababababababab12',
        'please-change-me-please-change-me-1234',
        'change-me-to-a-long-random-secret-of-32+chars',
      ]) {
        expect(schema.validate({ NODE_ENV: mode, JWT_SECRET: weak }).error?.message).toContain(
          'published or weak secret',
        );
      }
      expect(schema.validate({ NODE_ENV: mode, JWT_SECRET: SECRET }).error).toBeUndefined();
    });
  }

  it('requires the Stripe keys when PAYMENTS_PROVIDER is stripe', () => {
    const schema = Joi.object(gatewayEnvSchema);
    const error = schema.validate(
      { JWT_SECRET: SECRET, PAYMENTS_PROVIDER: 'stripe' },
      { abortEarly: false },
    ).error;
    expect(error?.message).toContain('"STRIPE_SECRET_KEY" is required');
    expect(error?.message).toContain('"STRIPE_WEBHOOK_SECRET" is required');
    expect(
      schema.validate({
        JWT_SECRET: SECRET,
        PAYMENTS_PROVIDER: 'stripe',
        STRIPE_SECRET_KEY: 'sk_test_abc123',
        STRIPE_WEBHOOK_SECRET: 'whsec_abc123',
      }).error,
    ).toBeUndefined();
    expect(
      schema.validate({ JWT_SECRET: SECRET, PAYMENTS_PROVIDER: 'paypal' }).error?.message,
    ).toContain('"PAYMENTS_PROVIDER"');
  });

  it('reads credit packs from BILLING_PACKS, with defaults, and names a bad pack', () => {
    expect(parsePaymentPacks('')).toBe(DEFAULT_PAYMENT_PACKS);
    expect(
      parsePaymentPacks(
        '[{"id":"tiny","kind":"credits","name":"Tiny","credits":5,"priceId":"price_1"}]',
      ),
    ).toEqual([{ id: 'tiny', kind: 'credits', name: 'Tiny', credits: 5, priceId: 'price_1' }]);
    expect(() => parsePaymentPacks('{')).toThrow('"BILLING_PACKS" must be a JSON array');
    expect(() =>
      parsePaymentPacks('[{"id":"tiny","kind":"credits","name":"Tiny","credits":5}]'),
    ).toThrow('needs either a priceId or an amount with a currency');
    expect(() =>
      parsePaymentPacks(
        '[{"id":"x","kind":"licence","name":"X","licenseType":"FREE","amount":100,"currency":"usd"}]',
      ),
    ).toThrow('licenseType');
    const { error } = Joi.object(gatewayEnvSchema).validate({
      JWT_SECRET: SECRET,
      BILLING_PACKS: '[1]',
    });
    expect(error?.message).toContain('BILLING_PACKS');
  });

  it('refuses a worker concurrency of zero', () => {
    const { error } = Joi.object(workerEnvSchema).validate({ WORKER_CONCURRENCY: 0 });
    expect(error?.message).toContain('"WORKER_CONCURRENCY"');
  });

  it('holds one task more than ffmpeg processes unless told otherwise', () => {
    const worker = Joi.object(workerEnvSchema).unknown(true);
    expect(worker.validate({ FFMPEG_MAX_PROCESSES: 3 }).value.WORKER_CONCURRENCY).toBe(4);
    expect(worker.validate({}).value.WORKER_CONCURRENCY).toBe(3);
    expect(
      worker.validate({ FFMPEG_MAX_PROCESSES: 3, WORKER_CONCURRENCY: 1 }).value.WORKER_CONCURRENCY,
    ).toBe(1);
  });

  it('allows webhooks to private addresses only in development and test', () => {
    for (const schema of [gatewayEnvSchema, workerEnvSchema]) {
      const allow = (NODE_ENV: string) =>
        Joi.object(schema).validate(
          {
            NODE_ENV,
            JWT_SECRET: SECRET,
            WEBHOOK_ALLOW_PRIVATE: 'true',
          },
          { allowUnknown: true },
        );
      expect(allow('production').error?.message).toContain(
        '"WEBHOOK_ALLOW_PRIVATE" may be true only when NODE_ENV is development or test',
      );
      expect(allow('test').error).toBeUndefined();
      expect(allow('development').value.WEBHOOK_ALLOW_PRIVATE).toBe(true);
      expect(
        Joi.object(schema).validate({ JWT_SECRET: SECRET }, { allowUnknown: true }).value
          .WEBHOOK_ALLOW_PRIVATE,
      ).toBe(false);
    }
  });
});
