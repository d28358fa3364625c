import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { natsNames } from '@app/contracts';
import {
  ensureMediaJobsQueue,
  NATS_SERVICE_USERS,
  renderNatsServerConfig,
  type NatsServiceUser,
} from '@app/messaging';
import { DEPLOY_NATS_CONFIG } from '../../scripts/nats-config';
import { readFileSync } from 'node:fs';

jest.setTimeout(60_000);

const NATS_SERVER = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';
const names = natsNames(process.env.NATS_PREFIX);
const passwords = Object.fromEntries(
  NATS_SERVICE_USERS.map((u) => [u, randomBytes(18).toString('base64url')]),
) as Record<NatsServiceUser, string>;

let dir: string;
let server: ChildProcess;
let url: string;
const open: NatsConnection[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function as(user: NatsServiceUser): Promise<NatsConnection> {
  const nc = await connect({ servers: url, user, pass: passwords[user], maxReconnectAttempts: 0 });
  open.push(nc);
  return nc;
}

/** Resolves with the next permission violation the server reports on the connection. */
async function nextViolation(nc: NatsConnection): Promise<string> {
  for await (const status of nc.status()) {
    if (status.type === 'error') return String(status.error?.message ?? status.error);
  }
  throw new Error('connection closed without an error');
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'vmp-nats-auth-'));
  const port = await freePort();
  const config = path.join(dir, 'nats-server.conf');
  writeFileSync(
    config,
    renderNatsServerConfig(names, { port, storeDir: path.join(dir, 'js'), passwords }),
  );
  server = spawn(NATS_SERVER, ['-c', config, '-a', '127.0.0.1'], { stdio: 'ignore' });
  url = `nats://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const nc = await connect({ servers: url, user: 'billing', pass: passwords.billing });
      await nc.close();
      return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
});
afterAll(async () => {
  await Promise.all(open.map((nc) => nc.close().catch(() => undefined)));
  server?.kill('SIGTERM');
  await new Promise((r) => (server?.exitCode !== null ? r(null) : server.once('exit', r)));
  rmSync(dir, { recursive: true, force: true });
});

describe('NATS with authentication', () => {
  it('refuses a connection without credentials, or with a wrong password', async () => {
    await expect(connect({ servers: url, maxReconnectAttempts: 0 })).rejects.toThrow(
      /authorization/i,
    );
    await expect(
      connect({ servers: url, user: 'gateway', pass: 'guess', maxReconnectAttempts: 0 }),
    ).rejects.toThrow(/authorization/i);
  });

  it('the deployed configuration is the one the code derives (prefix vmp)', () => {
    const file = readFileSync(path.join(__dirname, '../../deploy/nats/nats-server.conf'), 'utf8');
    expect(file).toBe(DEPLOY_NATS_CONFIG('vmp'));
  });
});

describe('per-service subject permissions', () => {
  it('the gateway cannot forge a job event; a worker can, and the gateway hears it', async () => {
    const gateway = await as('gateway');
    const worker = await as('worker');
    const heard: string[] = [];
    const sub = gateway.subscribe(names.media.jobEvents('*'), {
      callback: (_e, msg) => void heard.push(msg.subject),
    });
    await gateway.flush();

    const violation = nextViolation(gateway);
    gateway.publish(names.media.jobEvents('forged'), '{}');
    expect(await violation).toMatch(/permissions violation for publish/i);
    expect(await violation).toContain(names.media.jobEvents('forged'));

    worker.publish(names.media.jobEvents('real'), '{}');
    await worker.flush();
    const deadline = Date.now() + 5000;
    while (!heard.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(heard).toEqual([names.media.jobEvents('real')]);
    sub.unsubscribe();
  });

  it('a worker settles jobs but cannot reserve, purchase or adjust credits, nor set a licence', async () => {
    const billing = await as('billing');
    billing.subscribe(`${names.prefix}.billing.>`, {
      queue: names.billing.queue,
      callback: (_e, msg) => void msg.respond('{"ok":true}'),
    });
    await billing.flush();
    const worker = await as('worker');
    const reply = await worker.request(names.billing.settleJob, '{}', { timeout: 5000 });
    expect(reply.string()).toBe('{"ok":true}'); // and billing may answer it

    for (const subject of [
      names.billing.reserveForJob,
      names.billing.purchase,
      names.billing.adjustCredits,
      names.billing.setLicence,
    ]) {
      const violation = nextViolation(worker);
      worker.publish(subject, '{}');
      expect(await violation).toContain(`Publish to "${subject}"`);
    }
  });

  it('billing publishes nothing of its own: no jobs, no job events', async () => {
    const billing = await as('billing');
    for (const subject of [names.media.jobsSubject, names.media.jobEvents('j1')]) {
      const violation = nextViolation(billing);
      billing.publish(subject, '{}');
      expect(await violation).toContain(`Publish to "${subject}"`);
    }
  });

  it("the gateway cannot listen to billing's requests", async () => {
    const gateway = await as('gateway');
    const violation = nextViolation(gateway);
    gateway.subscribe(`${names.prefix}.billing.>`);
    expect(await violation).toMatch(/permissions violation for subscription/i);
  });

  it('the gateway queues a job through JetStream and a worker takes and acks it', async () => {
    const gateway = await as('gateway');
    const worker = await as('worker');
    await ensureMediaJobsQueue(await jetstreamManager(worker), names, {
      ackWaitMs: 30_000,
      maxDeliver: 3,
    });
    await jetstream(gateway).publish(names.media.jobsSubject, '{"jobId":"j1"}');
    const consumer = await jetstream(worker).consumers.get(
      names.media.jobsStream,
      names.media.workersConsumer,
    );
    const msg = await consumer.next({ expires: 5000 });
    expect(msg?.string()).toBe('{"jobId":"j1"}');
    await msg!.ackAck();
  });
});
