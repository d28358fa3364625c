import request from 'supertest';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startGateway, type TestGateway } from '../support/gateway';
import { createProject, registerUser } from '../support/factories';

let db: TestDatabase;
let gw: TestGateway;

beforeAll(async () => {
  process.env.EXPENSIVE_RATE_LIMIT = '3';
  process.env.EXPENSIVE_RATE_WINDOW_SECONDS = '60';
  db = await createTestDatabase();
  gw = await startGateway();
}, 30_000);
afterAll(async () => {
  await gw?.close();
  await db?.drop();
});

describe('rate limits on expensive routes', () => {
  it('limits each user, and each API key, on its own; answers 429 with Retry-After', async () => {
    const a = await registerUser(gw.server);
    const b = await registerUser(gw.server);
    const projectA = await createProject(gw.server, a.token);
    const projectB = await createProject(gw.server, b.token);
    const estimate = (project: string, auth: [string, string]) =>
      request(gw.server)
        .post(`/api/v1/projects/${project}/jobs/estimate`)
        .set(...auth);

    // An empty project is not mixable (422), but each call still costs the caller one request.
    for (let i = 0; i < 3; i++)
      await estimate(projectA.id, ['Authorization', `Bearer ${a.token}`]).expect(422);
    const limited = await estimate(projectA.id, ['Authorization', `Bearer ${a.token}`]).expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    // Uploads and job starts share the same budget.
    await request(gw.server)
      .post(`/api/v1/projects/${projectA.id}/jobs`)
      .set('Authorization', `Bearer ${a.token}`)
      .expect(429);

    // Another user from the same address is not affected.
    await estimate(projectB.id, ['Authorization', `Bearer ${b.token}`]).expect(422);
    // An API key of user A has a budget of its own.
    const key = await request(gw.server)
      .post('/api/v1/api-keys')
      .set('Authorization', `Bearer ${a.token}`)
      .send({ name: 'integration', scopes: ['read', 'write', 'jobs', 'billing'] })
      .expect(201);
    await estimate(projectA.id, ['X-API-Key', key.body.key]).expect(422);
    // Cheap routes are not limited by it.
    await request(gw.server)
      .get(`/api/v1/projects/${projectA.id}`)
      .set('Authorization', `Bearer ${a.token}`)
      .expect(200);
  });
});
