import { createHmac } from 'node:crypto';
import request from 'supertest';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startGateway, type TestGateway } from '../support/gateway';
import { expectErrorShape, fieldsOf } from '../support/http';

// A small per-address limit for this file: every test but the rate-limit one speaks from an
// address of its own (X-Forwarded-For, trusted from loopback) so they never hit it.
const RATE_LIMIT = 5;

let db: TestDatabase;
let gw: TestGateway;

beforeAll(async () => {
  db = await createTestDatabase();
  process.env.AUTH_RATE_LIMIT = String(RATE_LIMIT);
  gw = await startGateway();
}, 30_000);
afterAll(async () => {
  await gw?.close();
  await db?.drop();
}, 30_000);

let lastIp = 0;
/** A client address no other request of this file has used. */
const freshIp = () => {
  lastIp += 1;
  return `10.1.${Math.floor(lastIp / 250)}.${(lastIp % 250) + 1}`;
};

const PASSWORD = 'correct horse battery';
let counter = 0;
const uniqueEmail = () => `auth-${Date.now()}-${++counter}@example.com`;

const register = (body: Record<string, unknown>, ip = freshIp()) =>
  request(gw.server).post('/api/v1/auth/register').set('X-Forwarded-For', ip).send(body);
const login = (body: Record<string, unknown>, ip = freshIp()) =>
  request(gw.server).post('/api/v1/auth/login').set('X-Forwarded-For', ip).send(body);
const me = (token: string) =>
  request(gw.server).get('/api/v1/users/me').set('Authorization', `Bearer ${token}`);

const validBody = (over: Record<string, unknown> = {}) => ({
  email: uniqueEmail(),
  password: PASSWORD,
  firstName: 'Ana',
  lastName: 'Silva',
  ...over,
});

describe('POST /auth/register', () => {
  it('creates the user, stores the email lower-cased and a bcrypt hash, returns a token', async () => {
    const email = `  Mixed.Case-${Date.now()}@Example.COM `;
    const res = await register(validBody({ email })).expect(201);
    const expected = email.trim().toLowerCase();
    expect(res.body.user).toMatchObject({
      email: expected,
      firstName: 'Ana',
      lastName: 'Silva',
      isActive: true,
      credits: 0,
      licenseType: 'FREE',
      licenseExpiry: null,
    });
    expect(res.body.user).not.toHaveProperty('password');
    expect(JSON.stringify(res.body)).not.toContain('$2');
    expect(typeof res.body.accessToken).toBe('string');
    expect(res.body.accessToken.split('.')).toHaveLength(3);

    const row = await db.prisma.user.findUniqueOrThrow({ where: { id: res.body.user.id } });
    expect(row.email).toBe(expected);
    expect(row.password).not.toBe(PASSWORD);
    // bcrypt, at the configured cost (12 by default; the tests lower it to keep them quick).
    const cost = String(Number(process.env.BCRYPT_COST)).padStart(2, '0');
    expect(row.password).toMatch(new RegExp(`^\\$2[aby]\\$${cost}\\$`));

    // The token from registration works at once.
    expect((await me(res.body.accessToken).expect(200)).body.id).toBe(res.body.user.id);
  });

  it('refuses an invalid email with 400 naming the field', async () => {
    for (const email of ['not-an-email', 'a@', '@example.com', 42]) {
      const res = await register(validBody({ email }));
      expectErrorShape(res, 400);
      expect(fieldsOf(res)).toEqual(['email']);
    }
  });

  it('refuses a password shorter than 8 characters', async () => {
    const res = await register(validBody({ password: 'short12' }));
    expectErrorShape(res, 400);
    expect(fieldsOf(res)).toEqual(['password']);
    expect(res.body.details[0].problems.join(' ')).toMatch(/8/);
    // Exactly 8 is enough.
    await register(validBody({ password: '12345678' })).expect(201);
  });

  it('refuses missing or blank first and last names, listing both', async () => {
    const missing = await register({ email: uniqueEmail(), password: PASSWORD });
    expectErrorShape(missing, 400);
    expect(fieldsOf(missing)).toEqual(['firstName', 'lastName']);

    const blank = await register(validBody({ firstName: '   ', lastName: '' }));
    expectErrorShape(blank, 400);
    expect(fieldsOf(blank)).toEqual(['firstName', 'lastName']);
  });

  it('lists every offending field at once and refuses unknown fields', async () => {
    const res = await register({ email: 'nope', password: 'x', firstName: '', isAdmin: true });
    expectErrorShape(res, 400);
    expect(fieldsOf(res)).toEqual(['email', 'firstName', 'isAdmin', 'lastName', 'password']);
    expect(await db.prisma.user.count({ where: { email: 'nope' } })).toBe(0);
  });

  it('refuses malformed JSON with 400 in the same shape', async () => {
    const res = await request(gw.server)
      .post('/api/v1/auth/register')
      .set('X-Forwarded-For', freshIp())
      .set('Content-Type', 'application/json')
      .send('{"email": ');
    expectErrorShape(res, 400);
  });

  it('refuses an email already taken with 409, whatever its case', async () => {
    const body = validBody();
    await register(body).expect(201);
    const again = await register(validBody({ email: body.email }));
    expectErrorShape(again, 409);
    const upper = await register(validBody({ email: String(body.email).toUpperCase() }));
    expectErrorShape(upper, 409);
    expect(await db.prisma.user.count({ where: { email: body.email as string } })).toBe(1);
  });
});

describe('POST /auth/login', () => {
  let email: string;
  let userId: string;
  beforeAll(async () => {
    const body = validBody();
    const res = await register(body).expect(201);
    email = body.email as string;
    userId = res.body.user.id;
  });

  it('returns a Bearer JWT that identifies the user', async () => {
    const res = await login({ email, password: PASSWORD }).expect(200);
    expect(res.body).toEqual({
      accessToken: expect.any(String),
      tokenType: 'Bearer',
      expiresIn: Number(process.env.JWT_EXPIRES_IN_SECONDS ?? 3600),
    });
    const payload = JSON.parse(
      Buffer.from(res.body.accessToken.split('.')[1], 'base64url').toString(),
    );
    expect(payload.sub).toBe(userId);
    expect(payload.exp - payload.iat).toBe(res.body.expiresIn);
    expect((await me(res.body.accessToken).expect(200)).body.id).toBe(userId);
  });

  it('accepts the email in any case', async () => {
    await login({ email: `  ${email.toUpperCase()}`, password: PASSWORD }).expect(200);
  });

  it('gives the same 401 for an unknown email and a wrong password', async () => {
    const unknown = await login({ email: `nobody-${Date.now()}@example.com`, password: PASSWORD });
    const wrong = await login({ email, password: `${PASSWORD}!` });
    expectErrorShape(unknown, 401);
    expectErrorShape(wrong, 401);
    expect(wrong.body).toEqual(unknown.body);
    expect(unknown.body).not.toHaveProperty('accessToken');
  });

  it('refuses a body without a password with 400', async () => {
    const res = await login({ email });
    expectErrorShape(res, 400);
    expect(fieldsOf(res)).toEqual(['password']);
  });
});

describe('GET /users/me', () => {
  it('returns the caller with credits and licence, never the password hash', async () => {
    const body = validBody();
    const { body: reg } = await register(body).expect(201);
    const res = await me(reg.accessToken).expect(200);
    expect(res.body).toMatchObject({
      id: reg.user.id,
      email: body.email,
      firstName: 'Ana',
      lastName: 'Silva',
      credits: 0,
      licenseType: 'FREE',
      licenseExpiry: null,
    });
    expect(res.body).not.toHaveProperty('password');
    expect(new Date(res.body.createdAt).toISOString()).toBe(res.body.createdAt);

    // Credits and licence come from the database as they are now.
    const expiry = new Date('2031-05-06T07:08:09.000Z');
    await db.prisma.user.update({
      where: { id: reg.user.id },
      data: { credits: 77, licenseType: 'PREMIUM', licenseExpiry: expiry },
    });
    expect((await me(reg.accessToken).expect(200)).body).toMatchObject({
      credits: 77,
      licenseType: 'PREMIUM',
      licenseExpiry: expiry.toISOString(),
    });
  });

  it('answers 401 without credentials or with a bad token', async () => {
    expectErrorShape(await request(gw.server).get('/api/v1/users/me'), 401);
    expectErrorShape(await me('not.a.jwt'), 401);
    expectErrorShape(
      await request(gw.server).get('/api/v1/users/me').set('Authorization', 'Basic abc'),
      401,
    );
  });

  it('answers 401 to a token signed with another secret or with alg "none"', async () => {
    const { body: reg } = await register(validBody()).expect(201);
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const claims = b64({ sub: reg.user.id, iat: now, exp: now + 600 });
    const head = b64({ alg: 'HS256', typ: 'JWT' });
    const forged = `${head}.${claims}.${createHmac('sha256', 'another-secret-another-secret-0123')
      .update(`${head}.${claims}`)
      .digest('base64url')}`;
    expectErrorShape(await me(forged), 401);
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${claims}.`;
    expectErrorShape(await me(none), 401);
    // The genuine token is still fine (the refusals above are about the token, not the user).
    await me(reg.accessToken).expect(200);
  });
});

describe('inactive users', () => {
  /** An operator deactivates and reactivates users (the admin routes), as in production. */
  async function setActive(userId: string, active: boolean) {
    const { body: op } = await register(validBody()).expect(201);
    await db.prisma.user.update({ where: { id: op.user.id }, data: { role: 'ADMIN' } });
    await request(gw.server)
      .post(`/api/v1/admin/users/${userId}/${active ? 'reactivate' : 'deactivate'}`)
      .set('Authorization', `Bearer ${op.accessToken}`)
      .expect(200);
  }

  it('refuses login with 403 and the existing token with 401', async () => {
    const body = validBody();
    const { body: reg } = await register(body).expect(201);
    await me(reg.accessToken).expect(200);
    await setActive(reg.user.id, false);

    const res = await login({ email: body.email, password: PASSWORD });
    expectErrorShape(res, 403);
    expect(res.body).not.toHaveProperty('accessToken');
    // A wrong password to a disabled account still gets the plain 401 (nothing revealed).
    expectErrorShape(await login({ email: body.email, password: 'wrong-password' }), 401);

    // The token issued before is refused at once (deactivation drops the cached user).
    expectErrorShape(await me(reg.accessToken), 401);

    await setActive(reg.user.id, true);
    await login({ email: body.email, password: PASSWORD }).expect(200);
    await me(reg.accessToken).expect(200);
  });
});

describe('rate limiting per client address', () => {
  it(`answers 429 with Retry-After after ${RATE_LIMIT} logins from one address`, async () => {
    const { body: reg } = await register(validBody()).expect(201);
    const ip = freshIp();
    for (let i = 0; i < RATE_LIMIT; i++) {
      const res = await login({ email: reg.user.email, password: 'wrong-password' }, ip);
      expect(res.status).toBe(401);
    }
    const limited = await login({ email: reg.user.email, password: PASSWORD }, ip);
    expectErrorShape(limited, 429);
    const retryAfter = Number(limited.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(Number(process.env.AUTH_RATE_WINDOW_SECONDS ?? 60));
    expect(limited.body).not.toHaveProperty('accessToken');

    // Another address is not affected.
    await login({ email: reg.user.email, password: PASSWORD }, freshIp()).expect(200);
  });

  it('limits registration per address too', async () => {
    const ip = freshIp();
    for (let i = 0; i < RATE_LIMIT; i++) await register(validBody(), ip).expect(201);
    const body = validBody();
    const limited = await register(body, ip);
    expectErrorShape(limited, 429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(await db.prisma.user.count({ where: { email: body.email as string } })).toBe(0);
  });
});
