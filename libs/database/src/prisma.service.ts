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
import { Pool, type PoolClient, type PoolConfig, type QueryConfig, type QueryResult } from 'pg';
import { PrismaClient } from './generated/prisma/client';
import { PRISMA_TYPES, type PreparedRead } from './prepared-read';
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
/** The named statements each connection has run, hence prepared (see ScopedPool.prepared). */
const preparedOn = new WeakMap<PoolClient, Set<string>>();

/**
 * `value` as an SQL literal, or undefined unless it is a string or a safe integer (a string
 * without NUL, which a simple-protocol message cannot carry): then the caller takes the
 * two-step path.
 */
function literal(client: PoolClient, value: unknown): string | undefined {
  if (typeof value === 'string')
    return value.includes('\u0000') ? undefined : client.escapeLiteral(value);
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return undefined;
}

/** EXECUTE's argument list for `values` (see literal), or undefined. */
function literals(client: PoolClient, values: unknown[]): string | undefined {
  const out: string[] = [];
  for (const v of values) {
    const l = literal(client, v);
    if (l === undefined) return undefined;
    out.push(l);
  }
  return out.join(', ');
}

/**
 * The pg pool Prisma's adapter uses. Every checkout first sets the tenant scope of the calling
 * async context (tenantScope, else the app's default) on the connection, so row level security
 * applies to whatever Prisma runs on it; each checkout overwrites the last one's settings. The
 * settings are session-wide (set outside any transaction) and only this pool sets them, so a
 * connection that already carries the caller's scope is used as it is: no extra round trip.
 * Prepared reads (`prepared`) set another scope in the same round trip as the statement.
 */
export class ScopedPool extends Pool {
  constructor(
    config: PoolConfig,
    private readonly defaultScope: TenantScope = {},
  ) {
    super(config);
  }

  private wantedScope() {
    const scope = tenantScope.current() ?? this.defaultScope;
    const userId = scope.userId ?? '';
    const service = scope.service ?? '';
    return { userId, service, wanted: `${userId}\u0000${service}` };
  }

  private async scoped(): Promise<PoolClient> {
    const { userId, service, wanted } = this.wantedScope();
    const client = await super.connect();
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

  /**
   * A named statement (PrismaService.prepared) in the caller's scope, in one round trip even on
   * a connection that carries another scope: once the statement is prepared there, the scope
   * and the statement go as one simple-protocol message, `SELECT set_config(...);
   * EXECUTE name(literals)`, whose statements PostgreSQL runs one after the other. (Not a CTE or
   * a lateral join calling set_config: the order in which one statement evaluates its parts,
   * row level security's conditions included, is not defined.)
   */
  async prepared(query: QueryConfig & { name: string }): Promise<QueryResult> {
    const { userId, service, wanted } = this.wantedScope();
    const client = await super.connect();
    const statements = preparedOn.get(client) ?? new Set<string>();
    if (scopeOf.get(client) !== wanted) {
      const user = literal(client, userId);
      const svc = literal(client, service);
      const args = statements.has(query.name) ? literals(client, query.values ?? []) : undefined;
      scopeOf.delete(client);
      let combined: QueryResult[] | undefined;
      try {
        if (user !== undefined && svc !== undefined && args !== undefined) {
          combined = (await client.query({
            text:
              `SELECT set_config('app.current_user_id', ${user}, false), ` +
              `set_config('app.service', ${svc}, false); ` +
              `EXECUTE ${client.escapeIdentifier(query.name)}${args ? `(${args})` : ''}`,
            types: query.types,
          })) as unknown as QueryResult[];
        } else {
          await client.query(SET_SCOPE, [userId, service]);
        }
        scopeOf.set(client, wanted);
      } catch (e) {
        // The connection's scope is unknown now: it is not reused.
        client.release(e as Error);
        throw e;
      }
      if (combined) {
        client.release();
        return combined[1];
      }
    }
    try {
      const result = await client.query(query);
      statements.add(query.name);
      preparedOn.set(client, statements);
      return result;
    } finally {
      client.release();
    }
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

export function createPgPool(options: DatabaseOptions, defaultScope?: TenantScope): ScopedPool {
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
  readonly pool: ScopedPool;

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
   * Runs a hot read (see PreparedRead) as a prepared statement on the same pool as Prisma's
   * queries, so the caller's tenant scope (row level security) applies to it exactly as to
   * theirs. Rows come with Prisma's value types (PRISMA_TYPES). Not part of a `$transaction`:
   * use it only for a read that stands alone.
   */
  async prepared<T>(statement: PreparedRead, values: unknown[]): Promise<T[]> {
    const result = await this.pool.prepared({
      name: statement.name,
      text: statement.text,
      values,
      types: PRISMA_TYPES,
    });
    return result.rows as T[];
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
