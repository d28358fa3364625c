import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { natsNames, type JobEvent } from '@app/contracts';

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

export interface JobEventWatch {
  /** The first event (already received or to come) matching `until`; rejects after timeoutMs. */
  next(until: (event: JobEvent) => boolean, timeoutMs?: number): Promise<JobEvent>;
  close(): Promise<void>;
}

/**
 * Listens to the events the workers publish for one job (its progress and final state), from
 * now on: subscribed on the server when this resolves. For waiting on what a worker did
 * instead of sleeping.
 */
export async function watchJobEvents(jobId: string): Promise<JobEventWatch> {
  const nc: NatsConnection = await connect({
    servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
  });
  const seen: JobEvent[] = [];
  const listeners = new Set<() => void>();
  nc.subscribe(natsNames().media.jobEvents(jobId), {
    callback: (error, msg) => {
      if (error) return;
      seen.push(JSON.parse(msg.string()) as JobEvent);
      listeners.forEach((l) => l());
    },
  });
  await nc.flush();
  return {
    next(until, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const event = seen.find(until);
          if (!event) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve(event);
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(
            new Error(
              `no matching event of job ${jobId} in ${timeoutMs} ms: ${JSON.stringify(seen)}`,
            ),
          );
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
    close: () => nc.close(),
  };
}
