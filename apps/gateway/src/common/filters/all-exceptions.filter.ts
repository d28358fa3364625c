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

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details?: unknown;
}

/**
 * Every error leaves the API in one shape: {statusCode, error, message, details?}. Known
 * database errors map to 404/409; anything unexpected is logged with its stack and answered
 * as a bare 500, never with internals.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const body = this.toBody(exception);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(body.statusCode).json(body);
  }

  private toBody(e: unknown): ErrorBody {
    if (e instanceof HttpException) return fromHttpException(e);
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
    this.logger.error((e as Error)?.stack ?? String(e));
    return shape(HttpStatus.INTERNAL_SERVER_ERROR, 'internal error');
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
