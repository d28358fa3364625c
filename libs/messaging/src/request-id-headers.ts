import { headers, type MsgHdrs } from '@nats-io/nats-core';
import { acceptRequestId, REQUEST_ID_HEADER, requestContext } from '@app/observability';

/** NATS headers carrying the current request id, so the receiver logs under the same id. */
export function requestIdHeaders(): MsgHdrs | undefined {
  const id = requestContext.current()?.requestId;
  if (!id) return undefined;
  const h = headers();
  h.set(REQUEST_ID_HEADER, id);
  return h;
}

/** The request id a message carries, or a new one. */
export function requestIdOf(hdrs: MsgHdrs | undefined): string {
  return acceptRequestId(hdrs?.get(REQUEST_ID_HEADER) || undefined);
}
