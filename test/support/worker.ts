import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';

export interface TestWorker {
  app: INestApplicationContext;
  close(): Promise<void>;
}

/**
 * A media worker in this process, with the test file's database, NATS prefix and folders.
 * Imported late: @nestjs/config validates the environment when the module loads.
 */
export async function startWorker(env: Record<string, string> = {}): Promise<TestWorker> {
  Object.assign(process.env, env);
  const { MediaWorkerModule } = await import('../../apps/media-worker/src/media-worker.module');
  const moduleRef = await Test.createTestingModule({ imports: [MediaWorkerModule] }).compile();
  await moduleRef.init();
  return { app: moduleRef, close: () => moduleRef.close() };
}
