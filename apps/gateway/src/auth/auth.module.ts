import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { ThrottlerModule } from '@nestjs/throttler';
import { ApiKeysController } from '../api-keys/api-keys.controller';
import { UsersController } from '../users/users.controller';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { rateLimits } from '../common/throttling/rate-limits';
import { AuthService } from './auth.service';
import { TenantScopeMiddleware } from './tenant-scope.middleware';

@Module({
  imports: [
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
    ThrottlerModule.forRootAsync({ inject: [ConfigService], useFactory: rateLimits }),
  ],
  controllers: [AuthController, UsersController, ApiKeysController],
  providers: [AuthService, { provide: APP_GUARD, useClass: AuthGuard }],
})
export class AuthModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(TenantScopeMiddleware).forRoutes('*');
  }
}
