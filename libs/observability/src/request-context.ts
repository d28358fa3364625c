import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/**
 * What every log line of one unit of work carries: the request id (from the client's
 * X-Request-Id, or made at the gateway) and, on workers, the job id. The id travels with the
 * work in a NATS header, so one request can be followed through gateway, billing and workers.
 */
export interface RequestContext {
  requestId: string;
  jobId?: string;
  /** The client's address (gateway only): for the audit log, not for every log line. */
  ip?: string;
}

export const REQUEST_ID_HEADER = 'x-request-id';

const storage = new AsyncLocalStorage<RequestContext>();

/** A client's id is kept when it is a plain token of sane length; otherwise a new one is made. */
export function acceptRequestId(value: unknown): string {
  return typeof value === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(value) ? value : randomUUID();
}

export const requestContext = {
  current(): RequestContext | undefined {
    return storage.getStore();
  },
  run<T>(context: RequestContext, fn: () => T): T {
    return storage.run(context, fn);
  },
};
