import request from 'supertest';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startGateway, type TestGateway } from '../support/gateway';
import { expectErrorShape } from '../support/http';
import { registerUser, type RegisteredUser } from '../support/factories';

// Two gateway instances (two processes behind a load balancer): each caches user and key
// look-ups for a few seconds; a revocation on one reaches the other at once through NATS.
let db: TestDatabase;
let a: TestGateway;
let b: TestGateway;

beforeAll(async () => {
  db = await createTestDatabase();
  a = await startGateway();
  b = await startGateway();
}, 60_000);
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  await db?.drop();
});

const bearer = (u: RegisteredUser) => ({ Authorization: `Bearer ${u.token}` });

/** Waits until instance `gw` answers `path` with `status` (the NATS event's delivery). */
async function eventually(
  gw: TestGateway,
  path: string,
  headers: Record<string, string>,
  status: number,
) {
  for (let i = 0; i < 50; i++) {
    const res = await request(gw.server).get(path).set(headers);
    if (res.status === status) return res;
    await new Promise((r) => setTimeout(r, 20));
  }
  return request(gw.server).get(path).set(headers);
}

describe('cached look-ups, revoked on every instance at once', () => {
  it('a key revoked on instance A stops working on instance B', async () => {
    const u = await registerUser(a.server);
    const created = await request(a.server)
      .post('/api/v1/api-keys')
      .set(bearer(u))
      .send({ name: 'k', scopes: ['read'] })
      .expect(201);
    const withKey = { 'X-API-Key': created.body.key };
    // Both instances now hold the key in their caches.
    await request(a.server).get('/api/v1/users/me').set(withKey).expect(200);
    await request(b.server).get('/api/v1/users/me').set(withKey).expect(200);

    await request(a.server)
      .delete(`/api/v1/api-keys/${created.body.id}`)
      .set(bearer(u))
      .expect(204);
    expectErrorShape(await request(a.server).get('/api/v1/users/me').set(withKey), 401);
    // Far sooner than the cache's TTL (5 s): within the NATS round trip.
    expectErrorShape(await eventually(b, '/api/v1/users/me', withKey, 401), 401);
  });

  it('a user deactivated on instance A is refused on instance B', async () => {
    const u = await registerUser(a.server);
    const op = await registerUser(a.server);
    await db.prisma.user.update({ where: { id: op.user.id }, data: { role: 'ADMIN' } });
    await request(b.server).get('/api/v1/users/me').set(bearer(u)).expect(200);

    await request(a.server)
      .post(`/api/v1/admin/users/${u.user.id}/deactivate`)
      .set(bearer(op))
      .expect(200);
    expectErrorShape(await eventually(b, '/api/v1/users/me', bearer(u), 401), 401);
  });
});
