import request from 'supertest';
import { registerUser, type RegisteredUser } from '../support/factories';
import { useSystem } from '../support/system';

// Real servers on a busy 2-core machine: startup alone can take seconds.
jest.setTimeout(30_000);

const sys = useSystem({ billing: true });
let admin: RegisteredUser;
let user: RegisteredUser;

const bearer = (u: RegisteredUser) => ({ Authorization: `Bearer ${u.token}` });

beforeAll(async () => {
  admin = await registerUser(sys.gw.server);
  await sys.db.prisma.user.update({ where: { id: admin.user.id }, data: { role: 'ADMIN' } });
  user = await registerUser(sys.gw.server);
});

/** An API key of `u` (with every scope where keys carry scopes). */
async function apiKeyOf(u: RegisteredUser): Promise<string> {
  const withScopes = await request(sys.gw.server)
    .post('/api/v1/api-keys')
    .set(bearer(u))
    .send({ name: 'ops', scopes: ['read', 'write', 'jobs', 'billing'] });
  const res =
    withScopes.status === 201
      ? withScopes
      : await request(sys.gw.server).post('/api/v1/api-keys').set(bearer(u)).send({ name: 'ops' });
  expect(res.status).toBe(201);
  return res.body.key;
}

const routes = (id: string) =>
  [
    ['get', '/api/v1/admin/users', undefined],
    ['get', `/api/v1/admin/users/${id}`, undefined],
    ['post', `/api/v1/admin/users/${id}/credits`, { amount: 5, reason: 'because' }],
    ['put', `/api/v1/admin/users/${id}/licence`, { licenseType: 'PREMIUM', licenseExpiry: null }],
    ['post', `/api/v1/admin/users/${id}/deactivate`, undefined],
    ['post', `/api/v1/admin/users/${id}/reactivate`, undefined],
    ['get', '/api/v1/admin/audit-logs', undefined],
  ] as const;

function call(method: 'get' | 'post' | 'put', path: string, body: object | undefined) {
  const req = request(sys.gw.server)[method](path);
  return body ? req.send(body) : req;
}

const auditOf = (action: string, targetId?: string) =>
  sys.db.prisma.auditLog.findMany({
    where: { action, ...(targetId ? { targetId } : {}) },
    orderBy: { createdAt: 'asc' },
  });

describe('operator routes: who may call them', () => {
  it('answers 403 to a USER on every admin route, and changes nothing', async () => {
    const other = await registerUser(sys.gw.server);
    for (const [method, path, body] of routes(other.user.id)) {
      const res = await call(method, path, body).set(bearer(user));
      expect([method, path, res.status]).toEqual([method, path, 403]);
      expect(res.body).toMatchObject({ statusCode: 403, error: 'Forbidden' });
    }
    const after = await sys.db.prisma.user.findUniqueOrThrow({ where: { id: other.user.id } });
    expect(after).toMatchObject({ credits: 0, licenseType: 'FREE', isActive: true });
  });

  it('answers 401 without credentials and 403 to an API key, even an operator’s', async () => {
    const key = await apiKeyOf(admin);
    for (const [method, path, body] of routes(user.user.id)) {
      expect((await call(method, path, body)).status).toBe(401);
      expect((await call(method, path, body).set('X-API-Key', key)).status).toBe(403);
    }
  });

  it('lets an ADMIN call every admin route', async () => {
    const other = await registerUser(sys.gw.server);
    for (const [method, path, body] of routes(other.user.id)) {
      const res = await call(method, path, body).set(bearer(admin));
      expect([method, path, res.status]).toEqual([
        method,
        path,
        method === 'post' && path.endsWith('credits') ? 201 : 200,
      ]);
    }
  });
});

describe('operator actions', () => {
  it('lists and finds users, filtered by email and licence, and audits the reads', async () => {
    const target = await registerUser(sys.gw.server);
    await sys.db.prisma.user.update({
      where: { id: target.user.id },
      data: { licenseType: 'ENTERPRISE' },
    });
    const list = await request(sys.gw.server)
      .get(
        `/api/v1/admin/users?email=${target.email.slice(0, 12).toUpperCase()}&licenseType=ENTERPRISE`,
      )
      .set(bearer(admin))
      .expect(200);
    expect(list.body).toMatchObject({ total: 1, page: 1, limit: 20 });
    expect(list.body.items[0]).toMatchObject({ id: target.user.id, role: 'USER', isActive: true });
    expect(list.body.items[0].password).toBeUndefined();
    const one = await request(sys.gw.server)
      .get(`/api/v1/admin/users/${target.user.id}`)
      .set(bearer(admin))
      .expect(200);
    expect(one.body).toMatchObject({
      id: target.user.id,
      credits: 0,
      licenseType: 'ENTERPRISE',
      role: 'USER',
      isActive: true,
      counts: { projects: 0, apiKeys: 0, transactions: 0 },
    });
    await request(sys.gw.server).get('/api/v1/admin/users/nope').set(bearer(admin)).expect(404);
    expect(await auditOf('admin.user.viewed', target.user.id)).toEqual([
      expect.objectContaining({ actorUserId: admin.user.id, targetType: 'user' }),
    ]);
    expect((await auditOf('admin.users.listed')).length).toBeGreaterThan(0);
  });

  it('grants and takes back credits (never below 0) with a ledger entry naming the operator and reason', async () => {
    const target = await registerUser(sys.gw.server);
    const url = `/api/v1/admin/users/${target.user.id}/credits`;
    const grant = await request(sys.gw.server)
      .post(url)
      .set(bearer(admin))
      .send({ amount: 300, reason: 'goodwill' })
      .expect(201);
    expect(grant.body).toMatchObject({
      credits: 300,
      shortfall: 0,
      transaction: { amount: 300, type: 'ADJUSTMENT' },
    });
    const takeBack = await request(sys.gw.server)
      .post(url)
      .set(bearer(admin))
      .send({ amount: -500, reason: 'chargeback' })
      .expect(201);
    expect(takeBack.body).toMatchObject({
      credits: 0,
      shortfall: 200,
      transaction: { amount: -300 },
    });
    const rows = await sys.db.prisma.creditTransaction.findMany({
      where: { userId: target.user.id },
      orderBy: { createdAt: 'asc' },
    });
    expect(rows).toEqual([
      expect.objectContaining({ amount: 300, type: 'ADJUSTMENT', actorUserId: admin.user.id }),
      expect.objectContaining({ amount: -300, type: 'ADJUSTMENT', actorUserId: admin.user.id }),
    ]);
    expect(rows[0].description).toContain('goodwill');
    expect(rows[1].description).toContain('chargeback');
    const audit = await auditOf('billing.credits_adjusted', target.user.id);
    expect(audit.map((a) => [a.actorUserId, a.details])).toEqual([
      [admin.user.id, expect.objectContaining({ asked: 300, moved: 300, reason: 'goodwill' })],
      [admin.user.id, expect.objectContaining({ asked: -500, moved: -300, shortfall: 200 })],
    ]);
    const bad = await request(sys.gw.server)
      .post(url)
      .set(bearer(admin))
      .send({ amount: 0, reason: '' })
      .expect(400);
    expect(JSON.stringify(bad.body.details)).toContain('amount');
    expect(JSON.stringify(bad.body.details)).toContain('reason');
  });

  it('sets the licence and expiry, audited as licence.changed with the operator', async () => {
    const target = await registerUser(sys.gw.server);
    const res = await request(sys.gw.server)
      .put(`/api/v1/admin/users/${target.user.id}/licence`)
      .set(bearer(admin))
      .send({
        licenseType: 'PREMIUM',
        licenseExpiry: '2027-06-30T00:00:00.000Z',
        reason: 'contract',
      })
      .expect(200);
    expect(res.body).toEqual({
      licenseType: 'PREMIUM',
      licenseExpiry: '2027-06-30T00:00:00.000Z',
      changed: true,
    });
    const row = await sys.db.prisma.user.findUniqueOrThrow({ where: { id: target.user.id } });
    expect(row.licenseType).toBe('PREMIUM');
    expect(row.licenseExpiry?.toISOString()).toBe('2027-06-30T00:00:00.000Z');
    expect(await auditOf('licence.changed', target.user.id)).toEqual([
      expect.objectContaining({
        actorUserId: admin.user.id,
        details: expect.objectContaining({
          source: 'admin',
          reason: 'contract',
          from: { licenseType: 'FREE', licenseExpiry: null },
        }),
      }),
    ]);
    await request(sys.gw.server)
      .put(`/api/v1/admin/users/${target.user.id}/licence`)
      .set(bearer(admin))
      .send({ licenseType: 'GOLD', licenseExpiry: 'soon' })
      .expect(400);
  });

  it('deactivates a user: the token and API keys stop working at once; reactivates', async () => {
    const target = await registerUser(sys.gw.server);
    const key = await apiKeyOf(target);
    const me = () => request(sys.gw.server).get('/api/v1/users/me');
    await me().set(bearer(target)).expect(200);
    await request(sys.gw.server)
      .post(`/api/v1/admin/users/${target.user.id}/deactivate`)
      .set(bearer(admin))
      .expect(200)
      .expect((r) => expect(r.body.isActive).toBe(false));
    await me().set(bearer(target)).expect(401);
    await me().set('X-API-Key', key).expect(401);
    await request(sys.gw.server)
      .post(`/api/v1/admin/users/${target.user.id}/reactivate`)
      .set(bearer(admin))
      .expect(200);
    await me().set(bearer(target)).expect(200);
    await me().set('X-API-Key', key).expect(200);
    expect((await auditOf('admin.user.deactivated', target.user.id))[0]).toMatchObject({
      actorUserId: admin.user.id,
    });
    expect((await auditOf('admin.user.reactivated', target.user.id))[0]).toMatchObject({
      actorUserId: admin.user.id,
    });
    await request(sys.gw.server)
      .post(`/api/v1/admin/users/${admin.user.id}/deactivate`)
      .set(bearer(admin))
      .expect(400);
  });

  it('reads the audit log filtered by actor, action and time', async () => {
    const since = new Date(Date.now() - 60_000).toISOString();
    const target = await registerUser(sys.gw.server);
    await request(sys.gw.server)
      .put(`/api/v1/admin/users/${target.user.id}/licence`)
      .set(bearer(admin))
      .send({ licenseType: 'ENTERPRISE', licenseExpiry: null })
      .expect(200);
    const res = await request(sys.gw.server)
      .get(
        `/api/v1/admin/audit-logs?actorId=${admin.user.id}&action=licence.changed&from=${since}&limit=5`,
      )
      .set(bearer(admin))
      .expect(200);
    expect(res.body).toMatchObject({ page: 1, limit: 5 });
    expect(res.body.total).toBeGreaterThanOrEqual(1);
    for (const item of res.body.items)
      expect(item).toMatchObject({ action: 'licence.changed', actorUserId: admin.user.id });
    // Newest first: this test's change leads.
    expect(res.body.items[0].targetId).toBe(target.user.id);
    const later = await request(sys.gw.server)
      .get(
        `/api/v1/admin/audit-logs?action=licence.changed&from=${new Date(Date.now() + 3600_000).toISOString()}`,
      )
      .set(bearer(admin))
      .expect(200);
    expect(later.body.total).toBe(0);
    const none = await request(sys.gw.server)
      .get(`/api/v1/admin/audit-logs?action=licence.changed&to=2000-01-01T00:00:00Z`)
      .set(bearer(admin))
      .expect(200);
    expect(none.body.total).toBe(0);
    const bad = await request(sys.gw.server)
      .get('/api/v1/admin/audit-logs?from=yesterday')
      .set(bearer(admin))
      .expect(400);
    expect(JSON.stringify(bad.body.details)).toContain('from');
    expect((await auditOf('admin.audit_logs.read')).length).toBeGreaterThan(0);
  });
});
