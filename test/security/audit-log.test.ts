import request from 'supertest';
import { randomBytes } from 'node:crypto';
import { createProject, registerUser } from '../support/factories';
import { useSystem } from '../support/system';

const sys = useSystem({ billing: true });

const entries = (action: string) =>
  sys.db.prisma.auditLog.findMany({ where: { action }, orderBy: { createdAt: 'asc' } });

describe('audit log of sensitive operations', () => {
  it('records failed and successful logins with the address and request id, never the password', async () => {
    const { email, password, user } = await registerUser(sys.gw.server);
    await request(sys.gw.server)
      .post('/api/v1/auth/login')
      .set('X-Request-Id', 'audit-login-1')
      .send({ email, password: 'wrong password!' })
      .expect(401);
    await request(sys.gw.server)
      .post('/api/v1/auth/login')
      .send({ email: 'nobody@example.com', password: 'whatever-123' })
      .expect(401);
    await request(sys.gw.server).post('/api/v1/auth/login').send({ email, password }).expect(200);

    const failed = await entries('auth.login.failed');
    expect(failed).toHaveLength(2);
    expect(failed[0]).toMatchObject({
      actorUserId: user.id,
      targetId: user.id,
      requestId: 'audit-login-1',
      details: { email, reason: 'wrong password' },
    });
    expect(failed[0].ip).toMatch(/127\.0\.0\.1|::1/);
    expect(failed[1]).toMatchObject({
      actorUserId: null,
      details: { email: 'nobody@example.com', reason: 'unknown email' },
    });
    expect(await entries('auth.login.succeeded')).toMatchObject([{ actorUserId: user.id }]);
    const all = JSON.stringify(await sys.db.prisma.auditLog.findMany());
    expect(all).not.toContain(password);
    expect(all).not.toContain('wrong password!');
  });

  it('records API key creation and revocation, and names the key used to act', async () => {
    const { token, user } = await registerUser(sys.gw.server);
    const created = await request(sys.gw.server)
      .post('/api/v1/api-keys')
      .set('Authorization', `Bearer ${token}`)
      .send({ name: 'ci', scopes: ['write'] })
      .expect(201);
    // A key cannot make keys: refused, and nothing recorded as made.
    await request(sys.gw.server)
      .post('/api/v1/api-keys')
      .set('X-API-Key', created.body.key)
      .send({ name: 'made by key', scopes: ['read'] })
      .expect(403);
    const project = await createProject(sys.gw.server, token, { name: 'deleted by key' });
    await request(sys.gw.server)
      .delete(`/api/v1/projects/${project.id}`)
      .set('X-API-Key', created.body.key)
      .expect(204);
    await request(sys.gw.server)
      .delete(`/api/v1/api-keys/${created.body.id}`)
      .set('Authorization', `Bearer ${token}`)
      .expect(204);
    const made = await sys.db.prisma.auditLog.findMany({
      where: { action: 'api_key.created', actorUserId: user.id },
    });
    expect(made.map((e) => [e.targetId, e.actorApiKeyId])).toEqual([[created.body.id, null]]);
    expect(made[0].details).toMatchObject({ name: 'ci', scopes: ['write'] });
    expect(JSON.stringify(made)).not.toContain(created.body.key);
    expect(
      await sys.db.prisma.auditLog.findMany({
        where: { action: 'project.deleted', targetId: project.id },
      }),
    ).toMatchObject([{ actorUserId: user.id, actorApiKeyId: created.body.id }]);
    expect(
      await sys.db.prisma.auditLog.count({
        where: { action: 'api_key.revoked', actorUserId: user.id, targetId: created.body.id },
      }),
    ).toBe(1);
  });

  it('records purchases (in billing, under the request id) and project deletes', async () => {
    const { token, user } = await registerUser(sys.gw.server);
    const reference = `pay_${randomBytes(4).toString('hex')}`;
    const bought = await request(sys.gw.server)
      .post('/api/v1/billing/purchase')
      .set('Authorization', `Bearer ${token}`)
      .set('X-Request-Id', 'audit-purchase-1')
      .send({ credits: 250, paymentReference: reference })
      .expect(201);
    // A replay is the same purchase: no second entry.
    await request(sys.gw.server)
      .post('/api/v1/billing/purchase')
      .set('Authorization', `Bearer ${token}`)
      .send({ credits: 250, paymentReference: reference })
      .expect(201);
    expect(
      await sys.db.prisma.auditLog.findMany({
        where: { action: 'billing.purchase', actorUserId: user.id },
      }),
    ).toMatchObject([
      {
        targetId: bought.body.id,
        requestId: 'audit-purchase-1',
        ip: expect.stringMatching(/127\.0\.0\.1|::1/),
        details: { credits: 250, paymentReference: reference },
      },
    ]);

    const project = await createProject(sys.gw.server, token, { name: 'To delete' });
    await request(sys.gw.server)
      .delete(`/api/v1/projects/${project.id}`)
      .set('Authorization', `Bearer ${token}`)
      .expect(204);
    expect(
      await sys.db.prisma.auditLog.findMany({
        where: { action: 'project.deleted', actorUserId: user.id },
      }),
    ).toMatchObject([
      { targetType: 'project', targetId: project.id, details: { name: 'To delete' } },
    ]);
  });
});
