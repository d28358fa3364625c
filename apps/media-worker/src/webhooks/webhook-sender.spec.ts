import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendWebhook } from './webhook-sender';

describe('sending one webhook attempt', () => {
  let server: http.Server;
  let port: number;
  const seen: { host?: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
  let answer: (res: http.ServerResponse) => void = (res) => res.writeHead(204).end();

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ host: req.headers.host, headers: req.headers, body });
        answer(res);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    seen.length = 0;
    answer = (res) => res.writeHead(204).end();
  });

  it('connects to the checked address, whatever the host name would resolve to now', async () => {
    const result = await sendWebhook({
      url: new URL(`http://hooks.invalid:${port}/x`),
      addresses: [{ address: '127.0.0.1', family: 4 }],
      headers: { 'webhook-id': 'msg_1' },
      body: '{"a":1}',
      timeoutMs: 2000,
    });
    expect(result).toEqual({ ok: true, statusCode: 204, error: null });
    expect(seen[0]).toMatchObject({ host: `hooks.invalid:${port}`, body: '{"a":1}' });
    expect(seen[0].headers).toMatchObject({
      'webhook-id': 'msg_1',
      'content-type': 'application/json',
    });
  });

  it('counts a non-2xx answer, a redirect included, as a failure', async () => {
    answer = (res) => res.writeHead(302, { location: 'http://169.254.169.254/' }).end();
    const result = await sendWebhook({
      url: new URL(`http://127.0.0.1:${port}/`),
      addresses: [{ address: '127.0.0.1', family: 4 }],
      headers: {},
      body: '{}',
      timeoutMs: 2000,
    });
    expect(result).toEqual({ ok: false, statusCode: 302, error: 'answered 302' });
    expect(seen).toHaveLength(1);
  });

  it('gives up after the timeout', async () => {
    answer = () => undefined; // never answers
    const started = Date.now();
    const result = await sendWebhook({
      url: new URL(`http://127.0.0.1:${port}/`),
      addresses: [{ address: '127.0.0.1', family: 4 }],
      headers: {},
      body: '{}',
      timeoutMs: 300,
    });
    expect(result).toEqual({ ok: false, statusCode: null, error: 'no answer within 300 ms' });
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
