import { BadRequestException, ConflictException, NotFoundException } from '@nestjs/common';
import type { ConfigService } from '@nestjs/config';
import type { WebhookEndpoint } from '@app/database';
import type { WebhooksRepository } from './webhooks.repository';
import { MAX_WEBHOOK_ENDPOINTS, WebhooksService } from './webhooks.service';

/** An in-memory WebhooksRepository: owner-scoped like the real one. */
function memoryRepository() {
  const rows: WebhookEndpoint[] = [];
  let n = 0;
  const repo = {
    countOf: async (userId: string) => rows.filter((r) => r.userId === userId).length,
    create: async (data: Partial<WebhookEndpoint>) => {
      const row = {
        id: `wh${++n}`,
        enabled: true,
        previousSecret: null,
        previousSecretExpiresAt: null,
        failingSince: null,
        disabledReason: null,
        createdAt: new Date(),
        updatedAt: new Date(),
        ...data,
      } as WebhookEndpoint;
      rows.push(row);
      return row;
    },
    listOf: async (userId: string) => rows.filter((r) => r.userId === userId),
    findOwned: async (userId: string, id: string) =>
      rows.find((r) => r.userId === userId && r.id === id) ?? null,
    updateOwned: async (userId: string, id: string, data: Partial<WebhookEndpoint>) => {
      const row = rows.find((r) => r.userId === userId && r.id === id);
      if (!row) return null;
      Object.assign(row, data);
      return row;
    },
    deleteOwned: async (userId: string, id: string) => {
      const i = rows.findIndex((r) => r.userId === userId && r.id === id);
      if (i < 0) return false;
      rows.splice(i, 1);
      return true;
    },
  };
  return { rows, repo: repo as unknown as WebhooksRepository };
}

function setup(allowPrivate = false) {
  const { rows, repo } = memoryRepository();
  const config = { get: () => allowPrivate } as unknown as ConfigService;
  return { rows, service: new WebhooksService(repo, config) };
}

// IP literals: no DNS is needed to judge them.
const PUBLIC_URL = 'https://93.184.216.34/hooks';

describe('managing webhook endpoints', () => {
  it('creates an endpoint with a whsec_ secret, its events without repeats', async () => {
    const { service } = setup();
    const endpoint = await service.create('u1', {
      url: PUBLIC_URL,
      events: ['job.completed', 'job.completed', 'output.ready'],
    });
    expect(endpoint).toMatchObject({ userId: 'u1', url: PUBLIC_URL, enabled: true });
    expect(endpoint.events).toEqual(['job.completed', 'output.ready']);
    expect(endpoint.secret).toMatch(/^whsec_/);
  });

  it('refuses a loopback URL with a 400 naming the field and the reason', async () => {
    const { service } = setup();
    const refusal = await service
      .create('u1', { url: 'http://127.0.0.1:9000/', events: ['job.failed'] })
      .catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(BadRequestException);
    expect((refusal as BadRequestException).getResponse()).toMatchObject({
      message: expect.stringMatching(/127\.0\.0\.1, a loopback or private address/),
      details: [{ field: 'url', problems: [expect.any(String)] }],
    });
  });

  it('allows the loopback URL with WEBHOOK_ALLOW_PRIVATE, never the metadata address', async () => {
    const { service } = setup(true);
    await expect(
      service.create('u1', { url: 'http://127.0.0.1:9000/', events: ['job.failed'] }),
    ).resolves.toBeDefined();
    await expect(
      service.create('u1', { url: 'http://169.254.169.254/', events: ['job.failed'] }),
    ).rejects.toBeInstanceOf(BadRequestException);
  });

  it(`allows at most ${MAX_WEBHOOK_ENDPOINTS} endpoints per user`, async () => {
    const { service } = setup();
    for (let i = 0; i < MAX_WEBHOOK_ENDPOINTS; i++) {
      await service.create('u1', { url: PUBLIC_URL, events: ['job.completed'] });
    }
    await expect(
      service.create('u1', { url: PUBLIC_URL, events: ['job.completed'] }),
    ).rejects.toBeInstanceOf(ConflictException);
    await expect(
      service.create('u2', { url: PUBLIC_URL, events: ['job.completed'] }),
    ).resolves.toBeDefined();
  });

  it("does not find another user's endpoint", async () => {
    const { service } = setup();
    const { id } = await service.create('u1', { url: PUBLIC_URL, events: ['job.completed'] });
    await expect(service.get('u2', id)).rejects.toBeInstanceOf(NotFoundException);
    await expect(service.update('u2', id, { enabled: false })).rejects.toBeInstanceOf(
      NotFoundException,
    );
    await expect(service.remove('u2', id)).rejects.toBeInstanceOf(NotFoundException);
    await expect(service.rotateSecret('u2', id)).rejects.toBeInstanceOf(NotFoundException);
  });

  it('rotating keeps the old secret as the previous one for 24 hours', async () => {
    const { service, rows } = setup();
    const created = await service.create('u1', { url: PUBLIC_URL, events: ['job.completed'] });
    const old = created.secret;
    const now = new Date('2026-12-01T00:00:00Z');
    const rotated = await service.rotateSecret('u1', created.id, now);
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(old);
    expect(rotated.previousSecretExpiresAt).toEqual(new Date('2026-12-02T00:00:00Z'));
    expect(rows[0]).toMatchObject({ secret: rotated.secret, previousSecret: old });
  });

  it('enabling an endpoint again clears its record of failures', async () => {
    const { service, rows } = setup();
    const { id } = await service.create('u1', { url: PUBLIC_URL, events: ['job.completed'] });
    Object.assign(rows[0], {
      enabled: false,
      failingSince: new Date(0),
      disabledReason: 'deliveries kept failing',
    });
    const enabled = await service.update('u1', id, { enabled: true });
    expect(enabled).toMatchObject({ enabled: true, failingSince: null, disabledReason: null });
  });
});
