import { Client } from 'pg';
import { connect } from '@nats-io/transport-node';

/**
 * Where the test servers are. On these machines PostgreSQL and NATS run locally and
 * DATABASE_URL / NATS_URL point at them (or the defaults do). Where nothing answers and a Docker
 * engine exists, testcontainers starts both.
 */
export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';
export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';

export async function postgresAnswers(url: string): Promise<boolean> {
  const c = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

export async function natsAnswers(url: string): Promise<boolean> {
  try {
    const nc = await connect({ servers: url, timeout: 3000, reconnect: false });
    await nc.close();
    return true;
  } catch {
    return false;
  }
}

/** Starts postgres and nats containers (only where a Docker engine exists). */
export async function startContainers(): Promise<{ databaseUrl: string; natsUrl: string }> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const pg = await new GenericContainer('postgres:15')
    .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
    .withExposedPorts(5432)
    .withWaitStrategy(Wait.forLogMessage(/ready to accept connections/, 2))
    .start();
  const nats = await new GenericContainer('nats:2.10')
    .withCommand(['-js'])
    .withExposedPorts(4222)
    .start();
  return {
    databaseUrl: `postgresql://postgres@${pg.getHost()}:${pg.getMappedPort(5432)}/postgres`,
    natsUrl: `nats://${nats.getHost()}:${nats.getMappedPort(4222)}`,
  };
}
