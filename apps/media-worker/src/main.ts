import 'dotenv/config';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import { MediaWorkerModule } from './media-worker.module';
import { RECYCLE_EXIT_CODE, WorkerRecycler } from './task-queue/worker-recycler';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.createApplicationContext(MediaWorkerModule, {
    bufferLogs: true,
  });
  // Structured JSON logs (pino) for everything Nest and the app log.
  app.useLogger(app.get(PinoLogger));
  app.enableShutdownHooks();
  await app.init();
  const logger = new Logger('MediaWorker');
  logger.log(`ready (pid ${process.pid})`);
  // WORKER_MAX_TASKS / WORKER_MAX_RSS_MB: once its tasks are done, the worker exits for a fresh one.
  await app.get(WorkerRecycler).recycled;
  logger.log(`exiting with code ${RECYCLE_EXIT_CODE} to be restarted`);
  await app.close();
  process.exit(RECYCLE_EXIT_CODE);
}

void bootstrap();
