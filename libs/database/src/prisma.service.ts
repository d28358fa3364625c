import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';
import { PrismaClient } from './generated/prisma/client';

export interface DatabaseOptions {
  url: string;
  poolMax: number;
  connectTimeoutMs: number;
  idleTimeoutMs: number;
  statementTimeoutMs: number;
}

export function databaseOptionsFrom(config: ConfigService): DatabaseOptions {
  return {
    url: config.getOrThrow<string>('DATABASE_URL'),
    poolMax: config.getOrThrow<number>('DATABASE_POOL_MAX'),
    connectTimeoutMs: config.getOrThrow<number>('DATABASE_CONNECT_TIMEOUT_MS'),
    idleTimeoutMs: config.getOrThrow<number>('DATABASE_IDLE_TIMEOUT_MS'),
    statementTimeoutMs: config.getOrThrow<number>('DATABASE_STATEMENT_TIMEOUT_MS'),
  };
}

/** The pg pool Prisma's adapter uses (no native query engine); kept to report its use. */
export function createPgPool(options: DatabaseOptions): Pool {
  return new Pool({
    connectionString: options.url,
    max: options.poolMax,
    connectionTimeoutMillis: options.connectTimeoutMs,
    idleTimeoutMillis: options.idleTimeoutMs,
    statement_timeout: options.statementTimeoutMs || undefined,
  });
}

@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(PrismaService.name);
  readonly pool: Pool;

  constructor(config: ConfigService) {
    const pool = createPgPool(databaseOptionsFrom(config));
    super({ adapter: new PrismaPg(pool) });
    this.pool = pool;
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

  /** Readiness: a round trip to the database. */
  async ping(): Promise<void> {
    await this.$queryRaw`SELECT 1`;
  }
}
