import request from 'supertest';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startGateway, type TestGateway } from '../support/gateway';
import { startBilling, type TestBilling } from '../support/billing';
import { registerUser } from '../support/factories';

// The whole file runs the gateway as production, with the development payment provider: the
// self-service purchase must not exist there.
// Real servers on a busy 2-core machine: startup alone can take seconds.
jest.setTimeout(30_000);

let db: TestDatabase;
let gw: TestGateway;
let billing: TestBilling;

beforeAll(async () => {
  db = await createTestDatabase();
  process.env.NODE_ENV = 'production';
  process.env.PAYMENTS_PROVIDER = 'dev';
  billing = await startBilling();
  gw = await startGateway();
});
afterAll(async () => {
  await gw?.close();
  await billing?.close();
  await db?.drop();
});

describe('POST /billing/purchase in production', () => {
  it('answers 404, as a route that does not exist, and adds no credits', async () => {
    const { token, user } = await registerUser(gw.server);
    for (const body of [{ credits: 1000000, paymentReference: 'r1' }, { credits: 'lots' }]) {
      const res = await request(gw.server)
        .post('/api/v1/billing/purchase')
        .set('Authorization', `Bearer ${token}`)
        .send(body)
        .expect(404);
      expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    }
    expect((await db.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).credits).toBe(0);
    expect(await db.prisma.creditTransaction.count({ where: { userId: user.id } })).toBe(0);
  });

  it('says so in the OpenAPI document', () => {
    const op = gw.openApi.paths['/api/v1/billing/purchase']?.post;
    expect(op?.description).toContain('in production it answers 404');
    expect(op?.responses?.['404']).toBeDefined();
  });
});
