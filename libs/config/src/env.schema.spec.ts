import Joi from 'joi';
import { gatewayEnvSchema, workerEnvSchema } from './env.schema';

describe('environment schema', () => {
  it('fills every default when nothing is set', () => {
    const { error, value } = Joi.object(gatewayEnvSchema).validate({});
    expect(error).toBeUndefined();
    expect(value.PORT).toBe(3000);
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

  it('refuses a weak or missing JWT secret in production only', () => {
    const schema = Joi.object(gatewayEnvSchema);
    expect(schema.validate({ NODE_ENV: 'development' }).error).toBeUndefined();
    expect(schema.validate({ NODE_ENV: 'production' }).error?.message).toContain(
      '"JWT_SECRET" must be set in production',
    );
    for (const weak of [
      'dev-only-secret-change-me-0123456789abcdef',
      'a'.repeat(64),
      'abababababababababababababababab12',
      'please-change-me-please-change-me-1234',
    ]) {
      expect(
        schema.validate({ NODE_ENV: 'production', JWT_SECRET: weak }).error?.message,
      ).toContain('too weak for production');
    }
    const strong = 'q7Lx9-Vb2R_mZp4TcW8yKd3NfH6sJg1A';
    expect(schema.validate({ NODE_ENV: 'production', JWT_SECRET: strong }).error).toBeUndefined();
  });

  it('refuses a worker concurrency of zero', () => {
    const { error } = Joi.object(workerEnvSchema).validate({ WORKER_CONCURRENCY: 0 });
    expect(error?.message).toContain('"WORKER_CONCURRENCY"');
  });
});
