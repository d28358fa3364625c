import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import Joi from 'joi';
import type { EnvSchema } from './env.schema';

/** Validates the environment against an app's Joi schema; every problem is named at once. */
export function validateEnv(schema: EnvSchema, env: Record<string, unknown>) {
  const { error, value } = Joi.object(schema).validate(env, {
    abortEarly: false,
    allowUnknown: true, // the process environment holds many unrelated variables
    convert: true,
  });
  if (error) {
    throw new Error(`Invalid configuration: ${error.details.map((d) => d.message).join('; ')}`);
  }
  return value as Record<string, unknown>;
}

/** @nestjs/config, global, with the app's environment checked at boot. */
@Module({})
export class AppConfigModule {
  static forApp(schema: EnvSchema): DynamicModule {
    return {
      module: AppConfigModule,
      global: true,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          cache: true,
          envFilePath: ['.env'],
          validate: (env) => validateEnv(schema, env),
        }),
      ],
      exports: [ConfigModule],
    };
  }
}
