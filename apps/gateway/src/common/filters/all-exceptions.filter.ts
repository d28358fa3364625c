import {
  ArgumentsHost,
  Catch,
  HttpException,
  HttpStatus,
  Logger,
  type ExceptionFilter,
} from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { Response } from 'express';
import { Prisma } from '@app/database';
import { requestContext } from '@app/observability';

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details?: unknown;
  /** On 5xx only: the id to quote when reporting the problem (the logs hold the details). */
  requestId?: string;
}

/** What a client learns of an unexpected failure: this, and the request id. Never internals. */
export const INTERNAL_ERROR_MESSAGE = 'internal error';

/**
 * Every error leaves the API in one shape: {statusCode, error, message, details?}. Known
 * database errors map to 404/409; anything unexpected (and any 500 an HttpException carries) is
 * logged with its stack and answered as "internal error" with the request id, never with
 * internals (stack, driver messages, paths). Deliberate 5xx answers the code writes itself (503
 * "billing is unavailable") keep their fixed message and gain the request id.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const body = this.toBody(exception);
    if (body.statusCode >= 500) {
      const req = host.switchToHttp().getRequest<{ id?: unknown }>();
      const requestId =
        requestContext.current()?.requestId ?? (typeof req?.id === 'string' ? req.id : undefined);
      if (requestId) body.requestId = requestId;
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(body.statusCode).json(body);
  }

  private toBody(e: unknown): ErrorBody {
    if (e instanceof HttpException) {
      if (e.getStatus() === 500) return this.internal(e);
      return fromHttpException(e);
    }
    if (e instanceof Prisma.PrismaClientKnownRequestError) {
      if (e.code === 'P2025') return shape(HttpStatus.NOT_FOUND, 'not found');
      if (e.code === 'P2002') return shape(HttpStatus.CONFLICT, 'it already exists');
    }
    // Body-parser errors carry a status (400 malformed JSON, 413 too large) but are not HttpExceptions.
    const status = (e as { status?: unknown })?.status;
    const type = (e as { type?: unknown })?.type;
    if (typeof status === 'number' && status >= 400 && status < 500 && typeof type === 'string') {
      const message =
        type === 'entity.too.large'
          ? 'the request body is too large'
          : type === 'entity.parse.failed'
            ? 'the request body is not valid JSON'
            : 'the request body could not be read';
      return shape(status, message);
    }
    return this.internal(e);
  }

  private internal(e: unknown): ErrorBody {
    this.logger.error((e as Error)?.stack ?? String(e));
    return shape(HttpStatus.INTERNAL_SERVER_ERROR, INTERNAL_ERROR_MESSAGE);
  }
}

function shape(statusCode: number, message: string, details?: unknown): ErrorBody {
  return {
    statusCode,
    error: STATUS_CODES[statusCode] ?? 'Error',
    message,
    ...(details !== undefined ? { details } : {}),
  };
}

function fromHttpException(e: HttpException): ErrorBody {
  const status = e.getStatus();
  const response = e.getResponse();
  if (typeof response === 'string') return shape(status, response);
  const r = response as { message?: unknown; details?: unknown };
  const message = Array.isArray(r.message)
    ? r.message.join('; ')
    : typeof r.message === 'string'
      ? r.message
      : e.message;
  return shape(status, message, r.details);
}
