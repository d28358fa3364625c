import { DynamicModule, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
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
 * Structured JSON logs (pino through nestjs-pino) for every app: one line per event, with the
 * app's name, and the request id (and job id) of the work it belongs to. HTTP apps log each
 * request once it ends, with its id, route, status and time, and answer with X-Request-Id.
 */
@Module({})
export class LoggingModule {
  static forApp(app: string): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({
            pinoHttp: {
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
          }),
        }),
      ],
    };
  }
}
