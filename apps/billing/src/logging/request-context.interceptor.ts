import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { NatsContext } from '@nestjs/microservices';
import { Observable } from 'rxjs';
import { requestIdOf } from '@app/messaging';
import { requestContext } from '@app/observability';

/** Runs each billing message under the request id its sender put in the NATS headers. */
@Injectable()
export class RequestContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    const nats = context.switchToRpc().getContext<NatsContext>();
    const requestId = requestIdOf(nats.getHeaders?.());
    // The handler is bound to the context next.handle() is called in.
    return requestContext.run({ requestId }, () => next.handle());
  }
}
