import { DynamicModule, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import pino from 'pino';
import { acceptRequestId, REQUEST_ID_HEADER, requestContext } from './request-context';

/** Never logged: credentials in headers and bodies (pino's redaction paths). */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.accessToken',
  '*.key',
];

/**
 * Standard output, written asynchronously (sonic-boom): a request never waits for its log line's
 * write. One per process, flushed on shutdown and, synchronously, at exit.
 */
let stdout: pino.DestinationStream & { flushSync(): void } = undefined!;
function logDestination(): typeof stdout {
  if (!stdout) {
    stdout = pino.destination({ dest: 1, sync: false });
    process.once('exit', () => flushLogs());
  }
  return stdout;
}

/** Writes out what the asynchronous log destination still holds. */
export function flushLogs(): void {
  try {
    stdout?.flushSync();
  } catch {
    // not ready yet (nothing written) or already closed: nothing to flush
  }
}

@Injectable()
class LogFlusher implements OnApplicationShutdown {
  onApplicationShutdown(): void {
    flushLogs();
  }
}

/**
 * Structured JSON logs (pino through nestjs-pino) for every app: one line per event, with the
 * app's name, and the request id (and job id) of the work it belongs to. HTTP apps log each
 * request once it ends, with its id, route, status and time, and answer with X-Request-Id.
 * Lines go to standard output asynchronously (see logDestination).
 */
@Module({})
export class LoggingModule {
  static forApp(app: string): DynamicModule {
    return {
      module: LoggingModule,
      providers: [LogFlusher],
      imports: [
        LoggerModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({
            pinoHttp: [
              {
                level: config.get<string>('LOG_LEVEL') ?? 'info',
                base: { app },
                redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
                mixin: () => {
                  const context = requestContext.current();
                  return context ? { requestId: context.requestId, jobId: context.jobId } : {};
                },
                genReqId: (req: IncomingMessage, res: ServerResponse) => {
                  const id = acceptRequestId(req.headers[REQUEST_ID_HEADER]);
                  res.setHeader('X-Request-Id', id);
                  return id;
                },
                serializers: {
                  req: (req: { id: string; method: string; url: string }) => ({
                    id: req.id,
                    method: req.method,
                    // The path only: query strings may carry tokens.
                    url: req.url?.split('?')[0],
                  }),
                  res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
                },
                autoLogging: { ignore: (req: IncomingMessage) => req.url === '/metrics' },
              },
              logDestination(),
            ],
          }),
        }),
      ],
    };
  }
}
