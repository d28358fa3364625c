import { applyDecorators, ExecutionContext, Injectable, UseGuards } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApiResponse } from '@nestjs/swagger';
import {
  SkipThrottle,
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  type ThrottlerOptions,
} from '@nestjs/throttler';
import type { NatsConnection } from '@nats-io/nats-core';
import type { NatsNames } from '@app/contracts';
import type { AuthUser } from '../../auth/current-user.decorator';
import { ErrorResponseDto } from '../dto/error-response.dto';
import { NatsThrottlerStorage } from './nats-throttler-storage';

/**
 * Two limits (@nestjs/throttler): `default` for the auth routes, per client address; and
 * `expensive` for routes that cost real work (uploads, job starts, estimates), per user, or per
 * API key when the call uses one. Both answer 429 with Retry-After. The counters live in a
 * NATS key-value bucket (NatsThrottlerStorage), so a limit holds across gateway processes and
 * replicas behind a load balancer.
 */
export function rateLimits(
  config: ConfigService,
  nc: NatsConnection,
  names: NatsNames,
): ThrottlerModuleOptions {
  return {
    errorMessage: 'too many requests: try again after the number of seconds in Retry-After',
    throttlers: rateLimitThrottlers(config),
    storage: new NatsThrottlerStorage(nc, names),
  };
}

function rateLimitThrottlers(config: ConfigService): ThrottlerOptions[] {
  return [
    {
      name: 'default',
      ttl: config.getOrThrow<number>('AUTH_RATE_WINDOW_SECONDS') * 1000,
      limit: config.getOrThrow<number>('AUTH_RATE_LIMIT'),
    },
    {
      name: 'expensive',
      ttl: config.getOrThrow<number>('EXPENSIVE_RATE_WINDOW_SECONDS') * 1000,
      limit: config.getOrThrow<number>('EXPENSIVE_RATE_LIMIT'),
      getTracker: (req: { user?: AuthUser; ip?: string }) =>
        req.user?.apiKeyId
          ? `key:${req.user.apiKeyId}`
          : req.user
            ? `user:${req.user.id}`
            : `ip:${req.ip}`,
      // One budget across all expensive routes (the default key is per route).
      generateKey: (_context, tracker, name) => `${name}:${tracker}`,
    },
  ];
}

/** Every limit answers with the plain Retry-After header clients know (not Retry-After-<name>). */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    context
      .switchToHttp()
      .getResponse<{ header(name: string, value: string): void }>()
      .header('Retry-After', String(detail.timeToBlockExpire));
    return super.throwThrottlingException(context, detail);
  }
}

/** The auth routes: limited per address only. */
export const AuthRateLimited = () =>
  applyDecorators(
    UseGuards(RateLimitGuard),
    SkipThrottle({ expensive: true }),
    ApiResponse({
      status: 429,
      type: ErrorResponseDto,
      description: 'too many attempts from this address; see Retry-After',
    }),
  );

/** A route that costs real work: limited per user or API key (runs after the AuthGuard). */
export const ExpensiveRoute = () =>
  applyDecorators(
    UseGuards(RateLimitGuard),
    SkipThrottle({ default: true }),
    ApiResponse({
      status: 429,
      type: ErrorResponseDto,
      description: 'too many expensive requests by this user or API key; see Retry-After',
    }),
  );
