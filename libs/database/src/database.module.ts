import { DynamicModule, Global, Module } from '@nestjs/common';
import { DATABASE_DEFAULT_SCOPE, PrismaService } from './prisma.service';

/**
 * The Prisma client for every app; needs the global ConfigModule (AppConfigModule).
 * `forTenants()`: database work outside a tenant scope sees no tenant rows (the gateway scopes
 * each request to its user). `forService(name)`: the app does service-level work (billing, media
 * workers) and says so by name; the name is set on each connection as `app.service`.
 */
@Global()
@Module({})
export class DatabaseModule {
  static forTenants(): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [PrismaService],
      exports: [PrismaService],
    };
  }

  static forService(service: string): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [{ provide: DATABASE_DEFAULT_SCOPE, useValue: { service } }, PrismaService],
      exports: [PrismaService],
    };
  }
}
