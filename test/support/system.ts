import { createTestDatabase, type TestDatabase } from './database';
import { startGateway, type TestGateway } from './gateway';
import { startBilling, type TestBilling } from './billing';
import { startWorker, type TestWorker } from './worker';

export interface SystemOptions {
  /** Start billing in this process (after the database, before the gateway). */
  billing?: boolean;
  /** Start a media worker in this process (after the gateway); closed first. */
  worker?: boolean;
  /** Stops what the test file started itself (worker processes, a late worker): run first. */
  stopFirst?: () => Promise<unknown> | undefined;
}

export interface TestSystem {
  db: TestDatabase;
  gw: TestGateway;
  /** Only with `billing: true`. */
  billing: TestBilling;
  /** Only with `worker: true`. */
  worker: TestWorker;
}

/**
 * The file's own database and the real apps, started in beforeAll in the order they depend on
 * each other (database, billing, gateway, worker) and stopped in afterAll in reverse: what the
 * file started itself and workers first, the database dropped last. The fields are filled in
 * beforeAll. Environment variables the apps read must be set before this beforeAll runs.
 */
export function useSystem(options: SystemOptions = {}): TestSystem {
  const system: Partial<TestSystem> = {};
  beforeAll(async () => {
    system.db = await createTestDatabase();
    if (options.billing) system.billing = await startBilling();
    system.gw = await startGateway();
    if (options.worker) system.worker = await startWorker();
  });
  afterAll(async () => {
    await options.stopFirst?.();
    await system.worker?.close();
    await system.gw?.close();
    await system.billing?.close();
    await system.db?.drop();
  });
  return system as TestSystem;
}
