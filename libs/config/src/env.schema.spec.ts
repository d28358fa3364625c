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

  it('refuses a worker concurrency of zero', () => {
    const { error } = Joi.object(workerEnvSchema).validate({ WORKER_CONCURRENCY: 0 });
    expect(error?.message).toContain('"WORKER_CONCURRENCY"');
  });
});
