import 'dotenv/config';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { nestLogLevels } from '@app/config';
import { MediaWorkerModule } from './media-worker.module';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.createApplicationContext(MediaWorkerModule, {
    logger: nestLogLevels(),
  });
  app.enableShutdownHooks();
  await app.init();
  new Logger('MediaWorker').log(`ready (pid ${process.pid})`);
}

void bootstrap();
