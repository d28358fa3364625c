import request from 'supertest';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startGateway, type TestGateway } from '../support/gateway';
import { createProject, registerUser } from '../support/factories';

// Two gateway instances behind one load balancer: the counters live in NATS, not in either.
// Each hit is two NATS round trips per instance: generous per-test time on a loaded machine.
jest.setTimeout(30_000);
const AUTH_LIMIT = 4;
const EXPENSIVE_LIMIT = 3;

let db: TestDatabase;
const gws: TestGateway[] = [];

beforeAll(async () => {
  process.env.AUTH_RATE_LIMIT = String(AUTH_LIMIT);
  process.env.EXPENSIVE_RATE_LIMIT = String(EXPENSIVE_LIMIT);
  process.env.EXPENSIVE_RATE_WINDOW_SECONDS = '60';
  db = await createTestDatabase();
  gws.push(await startGateway(), await startGateway());
}, 60_000);
afterAll(async () => {
  await Promise.all(gws.map((g) => g.close()));
  await db?.drop();
});

describe('rate limits shared by every gateway process', () => {
  it(`counts logins from one address on both instances: the ${AUTH_LIMIT + 1}th is 429`, async () => {
    const login = (i: number) =>
      request(gws[i % 2].server)
        .post('/api/v1/auth/login')
        .set('X-Forwarded-For', '10.9.8.7')
        .send({ email: 'nobody@example.com', password: 'wrong password!' });
    for (let i = 0; i < AUTH_LIMIT; i++) await login(i).expect(401);
    const limited = await login(AUTH_LIMIT).expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Both instances now refuse that address; another address is unaffected.
    await login(AUTH_LIMIT + 1).expect(429);
    await request(gws[0].server)
      .post('/api/v1/auth/login')
      .set('X-Forwarded-For', '10.9.8.8')
      .send({ email: 'nobody@example.com', password: 'wrong password!' })
      .expect(401);
  });

  it(`counts a user's expensive calls on both instances: the ${EXPENSIVE_LIMIT + 1}th is 429`, async () => {
    const u = await registerUser(gws[0].server);
    const project = await createProject(gws[1].server, u.token);
    // An empty project is not mixable (422), but each estimate costs one request.
    const estimate = (i: number) =>
      request(gws[i % 2].server)
        .post(`/api/v1/projects/${project.id}/jobs/estimate`)
        .set('Authorization', `Bearer ${u.token}`);
    for (let i = 0; i < EXPENSIVE_LIMIT; i++) await estimate(i).expect(422);
    await estimate(EXPENSIVE_LIMIT).expect(429);
  });

  it('counts every one of many concurrent hits (none lost to a race)', async () => {
    const ip = '10.9.8.9';
    const results = await Promise.all(
      Array.from({ length: AUTH_LIMIT * 3 }, (_, i) =>
        request(gws[i % 2].server)
          .post('/api/v1/auth/login')
          .set('X-Forwarded-For', ip)
          .send({ email: 'nobody@example.com', password: 'wrong password!' }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(AUTH_LIMIT);
    expect(statuses.filter((s) => s === 429)).toHaveLength(AUTH_LIMIT * 2);
  });
});
