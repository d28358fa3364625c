import 'dotenv/config';
import 'reflect-metadata';
import cluster from 'node:cluster';
import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import { GatewayModule } from './gateway.module';
import { configureGatewayApp } from './configure-app';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(GatewayModule, { bufferLogs: true });
  // Structured JSON logs (pino) for everything Nest and the app log.
  app.useLogger(app.get(PinoLogger));
  configureGatewayApp(app);
  const config = app.get(ConfigService);
  const port = config.getOrThrow<number>('PORT');
  await app.listen(port, config.getOrThrow<string>('HOST'));
  const base = config.get<string>('PUBLIC_URL') ?? `http://localhost:${port}`;
  const who = cluster.isWorker ? ` (process ${cluster.worker?.id})` : '';
  new Logger('Gateway').log(`listening on ${base}${who} - Swagger UI: ${base}/docs`);
}

/**
 * GATEWAY_WORKERS=N (N > 1): the primary forks N gateway processes that share the port (Node's
 * cluster module) and replaces one that dies; it serves nothing itself. SIGTERM/SIGINT reach
 * every process, each shutting down gracefully. Rate limits and the auth cache's revocations
 * go through NATS, so the processes agree. Default 1: this process is the gateway.
 */
function workers(): number {
  const n = Number(process.env.GATEWAY_WORKERS ?? 1);
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    console.error(
      `GATEWAY_WORKERS must be a whole number from 1 to 64, not "${process.env.GATEWAY_WORKERS}"`,
    );
    process.exit(1);
  }
  return n;
}

function primary(n: number): void {
  let stopping = false;
  const fork = () => cluster.fork();
  for (let i = 0; i < n; i++) fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    console.error(`gateway process ${worker.id} exited (${signal ?? code}); starting another`);
    setTimeout(fork, 1000).unref();
  });
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    process.on(sig, () => {
      stopping = true;
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill(sig);
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
    });
  }
}

const n = workers();
if (n > 1 && cluster.isPrimary) primary(n);
else void bootstrap();
