import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Attempt {
  path: string;
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  status: number;
}

/**
 * A real endpoint on 127.0.0.1: answers 503 to the first `failFirst` attempts of each webhook-id
 * (two unless told), then verifies the
 * signature with the standardwebhooks package (204 if it verifies, 401 if not). /always-503
 * answers 503 to everything.
 */
export class Receiver {
  readonly attempts: Attempt[] = [];
  constructor(private readonly failFirst = 2) {}

  secrets: string[] = [];
  private server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const id = String(req.headers['webhook-id']);
      const attempt: Attempt = {
        path: req.url ?? '',
        id,
        timestamp: String(req.headers['webhook-timestamp']),
        signature: String(req.headers['webhook-signature']),
        body,
        status: 0,
      };
      const earlier = this.attempts.filter((a) => a.id === id).length;
      if (attempt.path === '/always-503' || earlier < this.failFirst) attempt.status = 503;
      else attempt.status = this.secrets.some((s) => this.verifies(s, attempt)) ? 204 : 401;
      this.attempts.push(attempt);
      res.writeHead(attempt.status).end();
    });
  });

  verifies(secret: string, a: Attempt): boolean {
    try {
      new Webhook(secret).verify(a.body, {
        'webhook-id': a.id,
        'webhook-timestamp': a.timestamp,
        'webhook-signature': a.signature,
      });
      return true;
    } catch {
      return false;
    }
  }

  accepted(): Attempt[] {
    return this.attempts.filter((a) => a.status === 204);
  }

  async listen(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }

  /** Resolves once `until` holds (checked on every attempt received); no fixed sleeps. */
  async waitFor(until: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!until()) {
      if (Date.now() > deadline) {
        throw new Error(
          `${what}: not within ${timeoutMs} ms; got ${JSON.stringify(this.attempts)}`,
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
