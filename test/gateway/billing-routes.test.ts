import request from 'supertest';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startGateway, type TestGateway } from '../support/gateway';
import { startBilling, type TestBilling } from '../support/billing';
import { createProject, registerUser } from '../support/factories';

let db: TestDatabase;
let gw: TestGateway;
let billing: TestBilling | undefined;

beforeAll(async () => {
  db = await createTestDatabase();
  process.env.BILLING_TIMEOUT_MS = '1500';
  gw = await startGateway();
});
afterAll(async () => {
  await gw?.close();
  await billing?.close();
  await db?.drop();
});

describe('billing routes', () => {
  it('answers 503 within the billing timeout when billing is down, and charges nothing', async () => {
    const { token, user } = await registerUser(gw.server);
    const started = Date.now();
    const res = await request(gw.server)
      .post('/api/v1/billing/purchase')
      .set('Authorization', `Bearer ${token}`)
      .send({ credits: 10, paymentReference: 'down-1' })
      .expect(503);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(res.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
    expect((await db.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).credits).toBe(0);
    expect(await db.prisma.creditTransaction.count({ where: { userId: user.id } })).toBe(0);
  });

  it('buys credits idempotently, shows the balance and the history', async () => {
    billing = await startBilling();
    const { token } = await registerUser(gw.server);
    const auth = { Authorization: `Bearer ${token}` };
    const first = await request(gw.server)
      .post('/api/v1/billing/purchase')
      .set(auth)
      .send({ credits: 25, paymentReference: 'pi_123' })
      .expect(201);
    const again = await request(gw.server)
      .post('/api/v1/billing/purchase')
      .set(auth)
      .send({ credits: 25, paymentReference: 'pi_123' })
      .expect(201);
    expect(again.body.id).toBe(first.body.id);
    await request(gw.server)
      .post('/api/v1/billing/purchase')
      .set(auth)
      .send({ credits: 26, paymentReference: 'pi_123' })
      .expect(409);
    expect(
      (await request(gw.server).get('/api/v1/billing/balance').set(auth).expect(200)).body,
    ).toMatchObject({ credits: 25, licenseType: 'FREE', licenseExpiry: null });
    const history = await request(gw.server)
      .get('/api/v1/billing/transactions?type=PURCHASE&limit=5')
      .set(auth)
      .expect(200);
    expect(history.body).toMatchObject({ total: 1, page: 1, limit: 5 });
    expect(history.body.items[0]).toMatchObject({ amount: 25, type: 'PURCHASE' });
  });

  it('refuses bad purchases with 400 naming the field', async () => {
    const { token } = await registerUser(gw.server);
    const auth = { Authorization: `Bearer ${token}` };
    for (const body of [
      { credits: 0, paymentReference: 'a' },
      { credits: 5 },
      { credits: 'five', paymentReference: 'b' },
      { credits: 5, paymentReference: 'has space' },
    ]) {
      const res = await request(gw.server)
        .post('/api/v1/billing/purchase')
        .set(auth)
        .send(body)
        .expect(400);
      expect(res.body.details.length).toBeGreaterThan(0);
    }
    await request(gw.server).get('/api/v1/billing/transactions?type=GIFT').set(auth).expect(400);
  });

  it('answers 402 when a job needs more credits than the balance, and 403 above the licence', async () => {
    const { token } = await registerUser(gw.server);
    const auth = { Authorization: `Bearer ${token}` };
    const project = await createProject(gw.server, token, {
      settings: { mixingMode: 'AUTO', outputFormat: 'MP4', quality: 'LOW', outputCount: 1 },
    });
    const video = await db.prisma.videoFile.create({
      data: {
        originalName: 'a.mp4',
        filename: 'a.mp4',
        path: '/nowhere/a.mp4',
        size: 10,
        duration: 2,
        format: 'mp4',
        resolution: '320x180',
        projectId: project.id,
      },
    });
    expect(video.id).toBeDefined();
    const poor = await request(gw.server)
      .post(`/api/v1/projects/${project.id}/jobs`)
      .set(auth)
      .expect(402);
    expect(poor.body.message).toMatch(/needs 1 credits; the balance is 0/);
    expect(await db.prisma.processingJob.count({ where: { projectId: project.id } })).toBe(0);
    await request(gw.server)
      .patch(`/api/v1/projects/${project.id}`)
      .set(auth)
      .send({
        settings: { mixingMode: 'AUTO', outputFormat: 'MP4', quality: 'ULTRA', outputCount: 1 },
      })
      .expect(200);
    const licence = await request(gw.server)
      .post(`/api/v1/projects/${project.id}/jobs`)
      .set(auth)
      .expect(403);
    expect(licence.body.message).toMatch(/best quality allowed is MEDIUM/);
    expect((await db.prisma.project.findUniqueOrThrow({ where: { id: project.id } })).status).toBe(
      'DRAFT',
    );
  });
});
