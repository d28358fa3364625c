import { Injectable, NestMiddleware } from '@nestjs/common';
import { acceptRequestId, requestContext } from '@app/observability';

/**
 * Makes the request id pino-http gave the request (the client's X-Request-Id, or a new one)
 * the id of everything the request does: its log lines, and the NATS messages it sends.
 */
@Injectable()
export class RequestContextMiddleware implements NestMiddleware {
  use(req: { id?: unknown; ip?: string }, _res: unknown, next: () => void): void {
    requestContext.run({ requestId: acceptRequestId(req.id), ip: req.ip }, next);
  }
}
