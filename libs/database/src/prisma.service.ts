import {
  Inject,
  Injectable,
  Logger,
  OnApplicationShutdown,
  OnModuleInit,
  Optional,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool, type PoolClient, type PoolConfig } from 'pg';
import { PrismaClient } from './generated/prisma/client';
import { tenantScope, type TenantScope } from './tenant-scope';

/** The scope of an app's database work outside any request: a service name, or none. */
export const DATABASE_DEFAULT_SCOPE = Symbol('DATABASE_DEFAULT_SCOPE');

const SET_SCOPE =
  "SELECT set_config('app.current_user_id', $1, false), set_config('app.service', $2, false)";

export interface DatabaseOptions {
  url: string;
  poolMax: number;
  connectTimeoutMs: number;
  idleTimeoutMs: number;
  statementTimeoutMs: number;
  /** Queries slower than this are logged as warnings (0 = off). */
  slowQueryMs: number;
}

/**
 * The environment variable naming an app's own database URL (its own role), tried before
 * DATABASE_URL: GATEWAY_DATABASE_URL, BILLING_DATABASE_URL, WORKER_DATABASE_URL.
 */
export const DATABASE_URL_VARIABLE = Symbol('DATABASE_URL_VARIABLE');

export function databaseOptionsFrom(config: ConfigService, urlVariable?: string): DatabaseOptions {
  return {
    url:
      (urlVariable ? config.get<string>(urlVariable) : undefined) ||
      config.getOrThrow<string>('DATABASE_URL'),
    poolMax: config.getOrThrow<number>('DATABASE_POOL_MAX'),
    connectTimeoutMs: config.getOrThrow<number>('DATABASE_CONNECT_TIMEOUT_MS'),
    idleTimeoutMs: config.getOrThrow<number>('DATABASE_IDLE_TIMEOUT_MS'),
    statementTimeoutMs: config.getOrThrow<number>('DATABASE_STATEMENT_TIMEOUT_MS'),
    slowQueryMs: config.get<number>('DATABASE_SLOW_QUERY_MS') ?? 0,
  };
}

/** The scope last set on each pooled connection (session settings outlive a checkout). */
const scopeOf = new WeakMap<PoolClient, string>();

/**
 * The pg pool Prisma's adapter uses. Every checkout first sets the tenant scope of the calling
 * async context (tenantScope, else the app's default) on the connection, so row level security
 * applies to whatever Prisma runs on it; each checkout overwrites the last one's settings. The
 * settings are session-wide (set outside any transaction) and only this pool sets them, so a
 * connection that already carries the caller's scope is used as it is: no extra round trip.
 */
export class ScopedPool extends Pool {
  constructor(
    config: PoolConfig,
    private readonly defaultScope: TenantScope = {},
  ) {
    super(config);
  }

  private async scoped(): Promise<PoolClient> {
    const scope = tenantScope.current() ?? this.defaultScope;
    const client = await super.connect();
    const userId = scope.userId ?? '';
    const service = scope.service ?? '';
    const wanted = `${userId}\u0000${service}`;
    if (scopeOf.get(client) === wanted) return client;
    try {
      scopeOf.delete(client);
      await client.query(SET_SCOPE, [userId, service]);
      scopeOf.set(client, wanted);
      return client;
    } catch (e) {
      client.release(e as Error);
      throw e;
    }
  }

  // pg's overloads make typed overrides awkward; adapter-pg uses the promise forms only.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override connect(...args: any[]): any {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    if (args.length) return (super.connect as (...a: any[]) => any)(...args);
    return this.scoped();
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: any[]): any {
    return this.scoped().then(async (client) => {
      try {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        return await (client.query as (...a: any[]) => any)(...args);
      } finally {
        client.release();
      }
    });
  }
}

export function createPgPool(options: DatabaseOptions, defaultScope?: TenantScope): Pool {
  const pool = new ScopedPool(
    {
      connectionString: options.url,
      max: options.poolMax,
      connectionTimeoutMillis: options.connectTimeoutMs,
      idleTimeoutMillis: options.idleTimeoutMs,
      statement_timeout: options.statementTimeoutMs || undefined,
    },
    defaultScope,
  );
  // An idle connection the server ends (a restart, an administrator's terminate) is dropped by
  // the pool and replaced on the next checkout; without a listener its 'error' event would
  // crash the process (node-postgres' documented behaviour).
  pool.on('error', (e) =>
    new Logger('DatabasePool').warn(`an idle database connection ended: ${e.message}`),
  );
  return pool;
}

@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(PrismaService.name);
  readonly pool: Pool;

  constructor(
    config: ConfigService,
    @Optional() @Inject(DATABASE_DEFAULT_SCOPE) defaultScope?: TenantScope,
    @Optional() @Inject(DATABASE_URL_VARIABLE) urlVariable?: string,
  ) {
    const options = databaseOptionsFrom(config, urlVariable);
    const pool = createPgPool(options, defaultScope);
    super({
      adapter: new PrismaPg(pool),
      log: options.slowQueryMs ? [{ emit: 'event', level: 'query' }] : [],
    });
    this.pool = pool;
    if (options.slowQueryMs) this.logSlowQueries(options.slowQueryMs);
  }

  async onModuleInit(): Promise<void> {
    await this.$connect();
    this.logger.log('connected to PostgreSQL');
  }

  /**
   * The last shutdown phase, not onModuleDestroy: work still draining in
   * beforeApplicationShutdown (a worker finishing its jobs) needs the database until then.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
    await this.pool.end().catch(() => undefined);
  }

  /** Connections of the pool: in use, idle, and requests waiting for one. */
  poolUse(): { total: number; idle: number; waiting: number } {
    return {
      total: this.pool.totalCount,
      idle: this.pool.idleCount,
      waiting: this.pool.waitingCount,
    };
  }

  /** The statement (never its parameters, which may hold personal data) and its time. */
  private logSlowQueries(thresholdMs: number): void {
    const events = this as unknown as {
      $on(event: 'query', cb: (e: { query: string; duration: number }) => void): void;
    };
    events.$on('query', (e) => {
      if (e.duration >= thresholdMs)
        this.logger.warn(`slow query (${Math.round(e.duration)} ms): ${e.query.slice(0, 2000)}`);
    });
  }

  /**
   * Runs `fn` for the user `userId`: their rows only. For work whose user is already proven
   * (a signed webhook, an API key just checked) outside the request's own scope.
   */
  asUser<T>(userId: string, fn: () => Promise<T>): Promise<T> {
    return tenantScope.asUser(userId, async () => await fn());
  }

  /** Runs `fn` as service-level work named `service`: every tenant's rows. */
  asService<T>(service: string, fn: () => Promise<T>): Promise<T> {
    // Awaited inside: a Prisma query starts when awaited, and must start in the scope.
    return tenantScope.asService(service, async () => await fn());
  }

  /** Readiness: a round trip to the database. */
  async ping(): Promise<void> {
    await this.$queryRaw`SELECT 1`;
  }
}
