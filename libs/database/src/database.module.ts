import { DynamicModule, Global, Module } from '@nestjs/common';
import { DATABASE_DEFAULT_SCOPE, DATABASE_URL_VARIABLE, PrismaService } from './prisma.service';

/**
 * The Prisma client for every app; needs the global ConfigModule (AppConfigModule).
 * `forTenants()`: database work outside a tenant scope sees no tenant rows (the gateway scopes
 * each request to its user). `forService(name)`: the app does service-level work (billing, media
 * workers) and says so by name; the name is set on each connection as `app.service`.
 */
@Global()
@Module({})
export class DatabaseModule {
  /**
   * `urlVariable`: the app's own database URL (its role), used instead of DATABASE_URL when set;
   * the gateway's role (GATEWAY_DATABASE_URL) is tenant-only: app.service does nothing for it.
   */
  static forTenants(urlVariable?: string): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        ...(urlVariable ? [{ provide: DATABASE_URL_VARIABLE, useValue: urlVariable }] : []),
        PrismaService,
      ],
      exports: [PrismaService],
    };
  }

  /**
   * `urlVariable`: the service's own database URL (its role: BILLING_DATABASE_URL,
   * WORKER_DATABASE_URL), used instead of DATABASE_URL when set.
   */
  static forService(service: string, urlVariable?: string): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: DATABASE_DEFAULT_SCOPE, useValue: { service } },
        ...(urlVariable ? [{ provide: DATABASE_URL_VARIABLE, useValue: urlVariable }] : []),
        PrismaService,
      ],
      exports: [PrismaService],
    };
  }
}
