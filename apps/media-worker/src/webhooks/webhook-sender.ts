import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ResolvedAddress } from '@app/webhooks';
import type { AttemptResult } from './webhook-deliveries.repository';

export interface WebhookRequest {
  url: URL;
  /** The addresses the URL's host resolved to, already checked: the only ones connected to. */
  addresses: ResolvedAddress[];
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

/** Bytes of an answer read before the connection is closed (the body is not used). */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * POSTs one attempt. The connection goes to the checked addresses only (a custom lookup), so a
 * DNS answer that changed since the check cannot point it elsewhere; redirects are not followed.
 * 2xx is success; anything else, a network error or the timeout is a failure.
 */
export function sendWebhook(request: WebhookRequest): Promise<AttemptResult> {
  const lookup: LookupFunction = (_host, options, callback) => {
    const all = request.addresses.map((a) => ({ address: a.address, family: a.family }));
    if ((options as { all?: boolean }).all) {
      (callback as unknown as (e: null, a: typeof all) => void)(null, all);
    } else {
      callback(null, all[0].address, all[0].family);
    }
  };
  const client = request.url.protocol === 'https:' ? https : http;
  return new Promise<AttemptResult>((resolve) => {
    let settled = false;
    const finish = (result: AttemptResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const req = client.request(
      request.url,
      {
        method: 'POST',
        lookup,
        agent: false,
        headers: {
          ...request.headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(request.body)),
          'user-agent': 'VideoMixerPro-Webhooks/1',
        },
      },
      (res) => {
        const statusCode = res.statusCode ?? 0;
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_ANSWER_BYTES) res.destroy();
        });
        const done = () =>
          finish({
            ok: statusCode >= 200 && statusCode < 300,
            statusCode,
            error: statusCode >= 200 && statusCode < 300 ? null : `answered ${statusCode}`,
          });
        res.on('end', done);
        res.on('close', done);
        res.on('error', done);
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new Error(`no answer within ${request.timeoutMs} ms`));
    }, request.timeoutMs);
    req.on('error', (e) => finish({ ok: false, statusCode: null, error: e.message }));
    req.end(request.body);
  });
}
