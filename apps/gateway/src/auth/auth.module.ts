import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { NATS_CONNECTION, NATS_NAMES } from '@app/messaging';
import { ThrottlerModule } from '@nestjs/throttler';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { rateLimits } from '../common/throttling/rate-limits';
import { UsersModule } from '../users/users.module';
import { AuthCacheModule } from './auth-cache.module';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { ApiKeyStrategy } from './strategies/api-key.strategy';
import { JwtStrategy } from './strategies/jwt.strategy';
import { TenantScopeMiddleware } from './tenant-scope.middleware';

@Module({
  imports: [
    PassportModule,
    AuthCacheModule,
    UsersModule,
    ApiKeysModule,
    JwtModule.registerAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({
        secret: config.getOrThrow<string>('JWT_SECRET'),
        signOptions: {
          expiresIn: config.getOrThrow<number>('JWT_EXPIRES_IN_SECONDS'),
          algorithm: 'HS256',
        },
      }),
    }),
    // Auth routes per address, expensive routes per user or API key (common/throttling).
    // Counters shared by every gateway process through NATS.
    ThrottlerModule.forRootAsync({
      inject: [ConfigService, NATS_CONNECTION, NATS_NAMES],
      useFactory: rateLimits,
    }),
  ],
  controllers: [AuthController],
  providers: [
    AuthService,
    JwtStrategy,
    ApiKeyStrategy,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
})
export class AuthModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(TenantScopeMiddleware).forRoutes('*');
  }
}
