import type { MessageEvent } from '@nestjs/common';
import type { Response } from 'express';
import type { Observable } from 'rxjs';

/**
 * Writes an event stream to the response as Server-Sent Events (id, event, data), with a
 * comment line every `heartbeatMs` so proxies and clients keep an idle stream open. Ends the
 * response when the stream completes; stops everything when the client goes.
 */
export function writeSse(
  res: Response,
  events: Observable<MessageEvent>,
  heartbeatMs: number,
): void {
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream');
  res.setHeader('Cache-Control', 'no-cache, no-transform');
  res.setHeader('Connection', 'keep-alive');
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
  const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), heartbeatMs);
  const end = () => {
    clearInterval(heartbeat);
    if (!res.writableEnded) res.end();
  };
  const subscription = events.subscribe({
    next: (e) => {
      const lines = [];
      if (e.id !== undefined) lines.push(`id: ${e.id}`);
      if (e.type) lines.push(`event: ${e.type}`);
      const data = typeof e.data === 'string' ? e.data : JSON.stringify(e.data);
      for (const line of data.split('\n')) lines.push(`data: ${line}`);
      res.write(`${lines.join('\n')}\n\n`);
    },
    complete: end,
    error: end,
  });
  // The response's close: the client went (or the stream ended); the request's may come early.
  res.on('close', () => {
    subscription.unsubscribe();
    end();
  });
}
