/**
 * The bad-input suite: malformed and hostile requests across the whole API. Each one must be
 * answered with the right 4xx in the API's one error shape (never a 500, never a stack trace),
 * and must leave the database and the storage folder exactly as they were.
 */
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { ConfigService } from '@nestjs/config';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { APP_TABLES } from '@app/database';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startGateway, type TestGateway } from '../support/gateway';
import { createProject, projectSettings, registerUser } from '../support/factories';
import { clip } from '../support/clips';

const UPLOAD_LIMIT = 256 * 1024;
const API = '/api/v1';
const SQL_NAME = `Robert'); DROP TABLE users; --`;

let db: TestDatabase;
let gw: TestGateway;
let secret: string;

/** Setup data, all made before the snapshot. */
const s = {
  tokenA: '',
  userA: '',
  tokenB: '',
  projectA: '',
  groupA: '',
  videoA: '',
  sqlProject: '',
  liveKey: '',
  revokedKey: '',
  liveKeyId: '',
};

interface Reply {
  status: number;
  body: unknown;
  text: string;
}

beforeAll(async () => {
  process.env.MAX_UPLOAD_BYTES = String(UPLOAD_LIMIT);
  // Files on local disk, so the storage snapshot below sees every one of them.
  process.env.STORAGE_DRIVER = 'local';
  db = await createTestDatabase();
  gw = await startGateway();
  secret = gw.app.get(ConfigService).getOrThrow<string>('JWT_SECRET');

  const a = await registerUser(gw.server);
  const b = await registerUser(gw.server);
  s.tokenA = a.token;
  s.userA = a.user.id;
  s.tokenB = b.token;
  s.projectA = (await createProject(gw.server, a.token)).id;
  s.groupA = (
    await request(gw.server)
      .post(`${API}/projects/${s.projectA}/groups`)
      .set('Authorization', `Bearer ${a.token}`)
      .send({ name: 'Hooks', order: 0 })
      .expect(201)
  ).body.id;
  s.videoA = (
    await request(gw.server)
      .post(`${API}/projects/${s.projectA}/videos`)
      .set('Authorization', `Bearer ${a.token}`)
      .attach('file', await clip({ width: 64, height: 64, fps: 10 }), 'a.mp4')
      .expect(201)
  ).body.id;
  // SQL-looking text is data: stored verbatim (checked below), never executed.
  s.sqlProject = (await createProject(gw.server, a.token, { name: SQL_NAME })).id;
  const live = await request(gw.server)
    .post(`${API}/api-keys`)
    .set('Authorization', `Bearer ${a.token}`)
    .send({ name: 'live', scopes: ['read', 'write', 'jobs', 'billing'] })
    .expect(201);
  s.liveKey = live.body.key;
  s.liveKeyId = live.body.id;
  const revoked = await request(gw.server)
    .post(`${API}/api-keys`)
    .set('Authorization', `Bearer ${a.token}`)
    .send({ name: 'revoked', scopes: ['read', 'write', 'jobs', 'billing'] })
    .expect(201);
  s.revokedKey = revoked.body.key;
  await request(gw.server)
    .delete(`${API}/api-keys/${revoked.body.id}`)
    .set('Authorization', `Bearer ${a.token}`)
    .expect(204);
}, 60_000);
afterAll(async () => {
  await gw?.close();
  await db?.drop();
});

// ---------------------------------------------------------------- helpers

const asA = () => ({ Authorization: `Bearer ${s.tokenA}` });
const asB = () => ({ Authorization: `Bearer ${s.tokenB}` });
const get = (url: string, headers: Record<string, string> = asA()) =>
  request(gw.server).get(url).set(headers);
const post = (url: string, body: unknown, headers: Record<string, string> = asA()) =>
  request(gw.server)
    .post(url)
    .set(headers)
    .send(body as object);
const patch = (url: string, body: unknown, headers: Record<string, string> = asA()) =>
  request(gw.server)
    .patch(url)
    .set(headers)
    .send(body as object);
const del = (url: string, headers: Record<string, string> = asA()) =>
  request(gw.server).delete(url).set(headers);
/** A raw string body with the content type given: for bodies supertest would re-encode. */
const postRaw = (
  url: string,
  raw: string,
  type = 'application/json',
  headers: Record<string, string> = asA(),
) => request(gw.server).post(url).set(headers).set('Content-Type', type).send(raw);

const validRegistration = () => ({
  email: `x-${Math.random().toString(36).slice(2)}@example.com`,
  password: 'correct horse battery',
  firstName: 'Eve',
  lastName: 'Hacker',
});
const validProject = () => ({ name: 'Hostile', settings: projectSettings() });
const megabyte = 'x'.repeat(1024 * 1024);

/** `{"a":{"a":...{"a":1}...}}`, `depth` levels, as JSON text (JSON.stringify would recurse). */
const nestedObject = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
const nestedArray = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);
const signed = (payload: object, key = secret, options: jwt.SignOptions = {}) =>
  jwt.sign(payload, key, { algorithm: 'HS256', ...options });
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

const upload = (name: string, content: Buffer, fields: Record<string, string> = {}) => {
  const req = request(gw.server).post(`${API}/projects/${s.projectA}/videos`).set(asA());
  for (const [k, v] of Object.entries(fields)) req.field(k, v);
  return req.attach('file', content, name);
};

/** Streams a multipart upload of `total` bytes over a raw socket until the server answers. */
async function oversizedUpload(total: number): Promise<Reply> {
  const server = gw.server.listening
    ? gw.server
    : await new Promise<typeof gw.server>((r) => gw.server.listen(0, () => r(gw.server)));
  const { port } = server.address() as AddressInfo;
  const boundary = 'badinputboundary';
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: `${API}/projects/${s.projectA}/videos`,
      headers: { ...asA(), 'Content-Type': `multipart/form-data; boundary=${boundary}` },
    });
    req.on('response', (res) => {
      answered = true;
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => {
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        resolve({ status: res.statusCode ?? 0, body, text });
      });
    });
    req.on('error', (e) => (answered ? undefined : reject(e)));
    req.write(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.mp4"\r\nContent-Type: video/mp4\r\n\r\n`,
    );
    const chunk = Buffer.alloc(64 * 1024, 7);
    const pump = () => {
      while (!answered && sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered) req.end(`\r\n--${boundary}--\r\n`);
    };
    pump();
  });
}

interface Snapshot {
  rows: Record<string, number>;
  files: string[];
}

async function snapshot(): Promise<Snapshot> {
  const rows: Record<string, number> = {};
  for (const table of APP_TABLES) {
    // Fails loudly if a table was dropped.
    const [{ n }] = await db.prisma.$queryRawUnsafe<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM "${table}"`,
    );
    rows[table] = n;
  }
  // Storage, and the spool folder uploads pass through while they are checked.
  const files: string[] = [];
  for (const root of [process.env.STORAGE_DIR!, process.env.UPLOAD_TMP_DIR].filter(Boolean)) {
    const all = (await readdir(root!, { recursive: true }).catch(() => [])) as string[];
    for (const f of all)
      if ((await stat(path.join(root!, f)).catch(() => undefined))?.isFile())
        files.push(path.join(root!, f));
  }
  return { rows, files: files.sort() };
}

/** Error bodies: exactly {statusCode, error, message, details?}, with nothing internal in them. */
function expectErrorShape(res: Reply) {
  const body = res.body as Record<string, unknown>;
  expect(body).toEqual(expect.any(Object));
  const keys = Object.keys(body).sort();
  expect(['details', 'error', 'message', 'statusCode']).toEqual(expect.arrayContaining(keys));
  expect(keys).toEqual(expect.arrayContaining(['error', 'message', 'statusCode']));
  expect(body.statusCode).toBe(res.status);
  expect(typeof body.error).toBe('string');
  expect((body.error as string).length).toBeGreaterThan(0);
  expect(typeof body.message).toBe('string');
  if (body.details !== undefined) expect(Array.isArray(body.details)).toBe(true);
  expect(res.text).not.toMatch(/\n\s+at |stack|node_modules|\.ts:\d+|prisma\./i);
}

const fieldsIn = (res: Reply) =>
  ((res.body as { details?: { field: string }[] }).details ?? []).map((d) => d.field);

// ---------------------------------------------------------------- the cases

interface Case {
  name: string;
  send: () => PromiseLike<Reply>;
  /** The right status, or the statuses allowed where the contract leaves a choice. */
  status: number | number[];
  /** Extra assertions on the answer. */
  check?: (res: Reply) => void;
}

const cases: Case[] = [
  // ---- registration and login (public routes)
  {
    name: 'register: empty body lists every missing field',
    send: () => post(`${API}/auth/register`, {}, {}),
    status: 400,
    check: (r) =>
      expect(fieldsIn(r)).toEqual(
        expect.arrayContaining(['email', 'password', 'firstName', 'lastName']),
      ),
  },
  {
    name: 'register: wrong types everywhere',
    send: () =>
      post(`${API}/auth/register`, { email: 123, password: true, firstName: [], lastName: {} }, {}),
    status: 400,
    check: (r) =>
      expect(fieldsIn(r)).toEqual(
        expect.arrayContaining(['email', 'password', 'firstName', 'lastName']),
      ),
  },
  {
    name: 'register: NUL byte in the email',
    send: () =>
      post(`${API}/auth/register`, { ...validRegistration(), email: 'eve\u0000@example.com' }, {}),
    status: 400,
  },
  {
    name: 'register: NUL byte in the first name',
    send: () =>
      post(`${API}/auth/register`, { ...validRegistration(), firstName: 'Ev\u0000e' }, {}),
    status: 400,
    check: (r) => expect(fieldsIn(r)).toContain('firstName'),
  },
  {
    name: 'register: control characters (BEL, ESC) in the last name',
    send: () =>
      post(`${API}/auth/register`, { ...validRegistration(), lastName: 'Hack\u0007\u001b[2J' }, {}),
    status: 400,
    check: (r) => expect(fieldsIn(r)).toContain('lastName'),
  },
  {
    name: 'register: 1 MB password (body over the JSON limit) is 413',
    send: () => post(`${API}/auth/register`, { ...validRegistration(), password: megabyte }, {}),
    status: 413,
  },
  {
    name: 'register: 73-byte password (bcrypt would truncate it)',
    send: () =>
      post(`${API}/auth/register`, { ...validRegistration(), password: 'p'.repeat(73) }, {}),
    status: 400,
    check: (r) => expect(fieldsIn(r)).toEqual(['password']),
  },
  {
    name: 'register: __proto__ payload is an unknown field',
    send: () =>
      postRaw(
        `${API}/auth/register`,
        JSON.stringify(validRegistration()).replace(
          /}$/,
          ',"__proto__":{"isActive":false,"credits":1000000,"polluted":true}}',
        ),
        'application/json',
        {},
      ),
    status: 400,
    check: () => expect(({} as Record<string, unknown>).polluted).toBeUndefined(),
  },
  {
    name: 'register: constructor.prototype payload is an unknown field',
    send: () =>
      post(
        `${API}/auth/register`,
        { ...validRegistration(), constructor: { prototype: { polluted: true } } },
        {},
      ),
    status: 400,
    check: () => expect(({} as Record<string, unknown>).polluted).toBeUndefined(),
  },
  {
    name: 'register: mass assignment of credits and licence',
    send: () =>
      post(
        `${API}/auth/register`,
        { ...validRegistration(), credits: 1e9, licenseType: 'ENTERPRISE', isActive: true },
        {},
      ),
    status: 400,
    check: (r) =>
      expect(fieldsIn(r)).toEqual(expect.arrayContaining(['credits', 'licenseType', 'isActive'])),
  },
  {
    name: 'register: JSON array instead of an object',
    send: () =>
      postRaw(`${API}/auth/register`, JSON.stringify([validRegistration()]), undefined, {}),
    status: 400,
  },
  {
    name: 'register: 10k-level nested object as firstName',
    send: () =>
      postRaw(
        `${API}/auth/register`,
        JSON.stringify(validRegistration())
          .replace(/}$/, `,"x":1}`)
          .replace('"firstName":"Eve"', `"firstName":${nestedObject(10_000)}`),
        undefined,
        {},
      ),
    status: 400,
  },
  {
    name: 'register: invalid JSON syntax',
    send: () => postRaw(`${API}/auth/register`, '{"email": "a@b.c", "password": ', undefined, {}),
    status: 400,
    check: (r) => expect((r.body as { message: string }).message).toMatch(/JSON/),
  },
  {
    name: 'register: JSON sent as text/plain',
    send: () =>
      postRaw(`${API}/auth/register`, JSON.stringify(validRegistration()), 'text/plain', {}),
    status: [400, 415],
  },
  {
    name: 'login: SQL injection in the email answers the one 401',
    send: () =>
      post(`${API}/auth/login`, { email: `' OR '1'='1' --`, password: `' OR '1'='1` }, {}),
    status: 401,
  },
  {
    name: 'login: query-operator objects instead of strings',
    send: () => post(`${API}/auth/login`, { email: { $ne: null }, password: { $gt: '' } }, {}),
    status: 400,
    check: (r) => expect(fieldsIn(r)).toEqual(expect.arrayContaining(['email', 'password'])),
  },
  {
    name: 'login: 10k-level nested array as the email',
    send: () =>
      postRaw(
        `${API}/auth/login`,
        `{"email":${nestedArray(10_000)},"password":"x"}`,
        undefined,
        {},
      ),
    status: 400,
  },
  {
    name: 'login: NUL byte in the email',
    send: () => post(`${API}/auth/login`, { email: 'a\u0000@example.com', password: 'x' }, {}),
    status: 400,
    check: (r) => expect(fieldsIn(r)).toEqual(['email']),
  },
  {
    name: 'login: missing password',
    send: () => post(`${API}/auth/login`, { email: 'a@example.com' }, {}),
    status: 400,
    check: (r) => expect(fieldsIn(r)).toEqual(['password']),
  },

  // ---- credentials
  { name: 'no credentials', send: () => get(`${API}/users/me`, {}), status: 401 },
  {
    name: 'Basic instead of Bearer',
    send: () => get(`${API}/users/me`, { Authorization: 'Basic dXNlcjpwYXNzd29yZA==' }),
    status: 401,
  },
  {
    name: '"Bearer" with no token',
    send: () => get(`${API}/users/me`, { Authorization: 'Bearer' }),
    status: 401,
  },
  {
    name: 'Bearer garbage',
    send: () => get(`${API}/users/me`, bearer('not.a.jwt')),
    status: 401,
  },
  {
    name: 'Bearer token of 8 KB junk',
    send: () => get(`${API}/users/me`, bearer('A'.repeat(8 * 1024))),
    status: 401,
  },
  {
    name: 'expired JWT',
    send: () => get(`${API}/users/me`, bearer(signed({ sub: s.userA, exp: now() - 60 }))),
    status: 401,
  },
  {
    name: 'JWT signed with the wrong secret',
    send: () =>
      get(`${API}/users/me`, bearer(signed({ sub: s.userA }, 'not-the-secret-0123456789abcdef!'))),
    status: 401,
  },
  {
    name: 'alg=none JWT',
    send: () =>
      get(
        `${API}/users/me`,
        bearer(`${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: s.userA, iat: now() })}.`),
      ),
    status: 401,
  },
  {
    name: 'HS512 JWT with the right secret (only HS256 is accepted)',
    send: () =>
      get(`${API}/users/me`, bearer(signed({ sub: s.userA }, secret, { algorithm: 'HS512' }))),
    status: 401,
  },
  {
    name: 'valid JWT for a user that does not exist',
    send: () => get(`${API}/users/me`, bearer(signed({ sub: 'cl0000000000000000000000' }))),
    status: 401,
  },
  {
    name: 'valid JWT whose sub is an object',
    send: () => get(`${API}/users/me`, bearer(signed({ sub: { not: null } }))),
    status: 401,
  },
  {
    name: 'unknown API key of the right format',
    send: () => get(`${API}/users/me`, { 'X-API-Key': `vmp_abcdefghijkl_${'A'.repeat(43)}` }),
    status: 401,
  },
  {
    name: 'API key that is a SQL string',
    send: () => get(`${API}/users/me`, { 'X-API-Key': `' OR 1=1; DROP TABLE api_keys; --` }),
    status: 401,
  },
  {
    name: 'revoked API key',
    send: () => get(`${API}/users/me`, { 'X-API-Key': s.revokedKey }),
    status: 401,
  },
  {
    name: 'live key prefix with a wrong secret',
    send: () =>
      get(`${API}/users/me`, {
        'X-API-Key': s.liveKey.slice(0, -4) + (s.liveKey.endsWith('AAAA') ? 'BBBB' : 'AAAA'),
      }),
    status: 401,
  },

  // ---- projects
  {
    name: 'project: empty body lists name and settings',
    send: () => post(`${API}/projects`, {}),
    status: 400,
    check: (r) => expect(fieldsIn(r)).toEqual(expect.arrayContaining(['name', 'settings'])),
  },
  {
    name: 'project: 1 MB name is 413',
    send: () => post(`${API}/projects`, { ...validProject(), name: megabyte }),
    status: 413,
  },
  {
    name: 'project: terminal escape sequence in the name',
    send: () => post(`${API}/projects`, { ...validProject(), name: 'x\u001b[31mred\u001b[0m' }),
    status: 400,
    check: (r) => expect(fieldsIn(r)).toEqual(['name']),
  },
  {
    name: 'project: 201-character name',
    send: () => post(`${API}/projects`, { ...validProject(), name: 'n'.repeat(201) }),
    status: 400,
    check: (r) => expect(fieldsIn(r)).toEqual(['name']),
  },
  {
    name: 'project: NUL byte in the name',
    send: () => post(`${API}/projects`, { ...validProject(), name: 'evil\u0000name' }),
    status: 400,
    check: (r) => expect(fieldsIn(r)).toEqual(['name']),
  },
  {
    name: 'project: NUL byte in the description',
    send: () => post(`${API}/projects`, { ...validProject(), description: 'a\u0000b' }),
    status: 400,
    check: (r) => expect(fieldsIn(r)).toEqual(['description']),
  },
  {
    name: 'project: outputCount -1',
    send: () =>
      post(`${API}/projects`, { name: 'p', settings: projectSettings({ outputCount: -1 }) }),
    status: 400,
    check: (r) => expect(fieldsIn(r)).toEqual(['settings.outputCount']),
  },
  {
    name: 'project: outputCount 1e308',
    send: () =>
      post(`${API}/projects`, { name: 'p', settings: projectSettings({ outputCount: 1e308 }) }),
    status: 400,
    check: (r) => expect(fieldsIn(r)).toEqual(['settings.outputCount']),
  },
  {
    name: 'project: outputCount as a string',
    send: () =>
      post(`${API}/projects`, { name: 'p', settings: projectSettings({ outputCount: '4' }) }),
    status: 400,
    check: (r) => expect(fieldsIn(r)).toEqual(['settings.outputCount']),
  },
  {
    name: 'project: outputCount 2.5 and quality wrong, both listed',
    send: () =>
      post(`${API}/projects`, {
        name: 'p',
        settings: projectSettings({ outputCount: 2.5, quality: 'INSANE' }),
      }),
    status: 400,
    check: (r) => expect(fieldsIn(r).sort()).toEqual(['settings.outputCount', 'settings.quality']),
  },
  {
    name: 'project: settings as a string',
    send: () => post(`${API}/projects`, { name: 'p', settings: 'MANUAL' }),
    status: 400,
    check: (r) => expect(fieldsIn(r)[0]).toMatch(/^settings/),
  },
  {
    name: 'project: unknown top-level fields (userId, status)',
    send: () =>
      post(`${API}/projects`, { ...validProject(), userId: 'someone-else', status: 'COMPLETED' }),
    status: 400,
    check: (r) => expect(fieldsIn(r)).toEqual(expect.arrayContaining(['userId', 'status'])),
  },
  {
    name: 'project: unknown field inside settings',
    send: () =>
      post(`${API}/projects`, { name: 'p', settings: projectSettings({ ffmpegArgs: '-y /etc' }) }),
    status: 400,
  },
  {
    name: 'project: __proto__ inside settings',
    send: () =>
      postRaw(
        `${API}/projects`,
        `{"name":"p","settings":{"__proto__":{"outputCount":99999,"polluted":true},"mixingMode":"MANUAL","outputFormat":"MP4","quality":"LOW","outputCount":2}}`,
      ),
    status: 400,
    check: () => expect(({} as Record<string, unknown>).polluted).toBeUndefined(),
  },
  {
    name: 'project: metadata.static value is an object',
    send: () =>
      post(`${API}/projects`, {
        name: 'p',
        settings: projectSettings({ metadata: { static: { campaign: { $gt: '' } } } }),
      }),
    status: 400,
  },
  {
    name: 'project: 10k-level nested object as settings',
    send: () => postRaw(`${API}/projects`, `{"name":"p","settings":${nestedObject(10_000)}}`),
    status: 400,
  },
  {
    name: 'project: invalid JSON syntax',
    send: () => postRaw(`${API}/projects`, `{"name": "p", settings: {}}`),
    status: 400,
  },
  {
    name: 'project: JSON sent as text/plain',
    send: () => postRaw(`${API}/projects`, JSON.stringify(validProject()), 'text/plain'),
    status: [400, 415],
  },
  { name: 'projects list: page=-5', send: () => get(`${API}/projects?page=-5`), status: 400 },
  { name: 'projects list: limit=1e9', send: () => get(`${API}/projects?limit=1e9`), status: 400 },
  { name: 'projects list: page=abc', send: () => get(`${API}/projects?page=abc`), status: 400 },
  {
    name: 'projects list: page given twice',
    send: () => get(`${API}/projects?page=1&page=2`),
    status: 400,
  },
  {
    name: 'projects list: SQL in the status filter',
    send: () => get(`${API}/projects?status=${encodeURIComponent(`DRAFT' OR '1'='1`)}`),
    status: 400,
  },
  {
    name: 'project: malformed id',
    send: () => get(`${API}/projects/not-a-uuid`),
    status: 404,
  },
  {
    name: 'project: SQL in the id',
    send: () => get(`${API}/projects/${encodeURIComponent(`' OR 1=1; --`)}`),
    status: 404,
  },
  {
    name: 'project: NUL byte in the id',
    send: () => get(`${API}/projects/abc%00def`),
    status: [400, 404],
  },
  {
    name: 'project: 10 000-character id',
    send: () => get(`${API}/projects/${'c'.repeat(10_000)}`),
    status: 404,
  },
  {
    name: 'project: malformed percent-encoding in the id',
    send: () => get(`${API}/projects/%E0%A4%A`),
    status: [400, 404],
  },
  {
    name: "project: another user's, GET",
    send: () => get(`${API}/projects/${s.projectA}`, asB()),
    status: 404,
  },
  {
    name: "project: another user's, PATCH",
    send: () => patch(`${API}/projects/${s.projectA}`, { name: 'mine now' }, asB()),
    status: 404,
  },
  {
    name: "project: another user's, DELETE",
    send: () => del(`${API}/projects/${s.projectA}`, asB()),
    status: 404,
  },
  {
    name: 'project PATCH: blank name',
    send: () => patch(`${API}/projects/${s.projectA}`, { name: '   ' }),
    status: 400,
    check: (r) => expect(fieldsIn(r)).toEqual(['name']),
  },
  {
    name: 'project PATCH: mass assignment of status and userId',
    send: () =>
      patch(`${API}/projects/${s.projectA}`, { status: 'COMPLETED', userId: 'someone-else' }),
    status: 400,
  },

  // ---- groups
  {
    name: 'group: order -1',
    send: () => post(`${API}/projects/${s.projectA}/groups`, { name: 'g', order: -1 }),
    status: 400,
    check: (r) => expect(fieldsIn(r)).toEqual(['order']),
  },
  {
    name: 'group: order 1e308',
    send: () => post(`${API}/projects/${s.projectA}/groups`, { name: 'g', order: 1e308 }),
    status: 400,
    check: (r) => expect(fieldsIn(r)).toEqual(['order']),
  },
  {
    name: 'group: order as a string and no name',
    send: () => post(`${API}/projects/${s.projectA}/groups`, { order: '1' }),
    status: 400,
    check: (r) => expect(fieldsIn(r).sort()).toEqual(['name', 'order']),
  },
  {
    name: 'group: NUL byte in the name',
    send: () => post(`${API}/projects/${s.projectA}/groups`, { name: 'g\u0000', order: 7 }),
    status: 400,
    check: (r) => expect(fieldsIn(r)).toEqual(['name']),
  },
  {
    name: "group: create in another user's project",
    send: () => post(`${API}/projects/${s.projectA}/groups`, { name: 'g', order: 9 }, asB()),
    status: 404,
  },
  {
    name: "group: delete another user's group",
    send: () => del(`${API}/projects/${s.projectA}/groups/${s.groupA}`, asB()),
    status: 404,
  },
  {
    name: 'group: malformed group id',
    send: () => patch(`${API}/projects/${s.projectA}/groups/not-a-uuid`, { name: 'x' }),
    status: 404,
  },
  {
    name: 'group reorder: empty list',
    send: () =>
      request(gw.server)
        .put(`${API}/projects/${s.projectA}/groups/order`)
        .set(asA())
        .send({ groups: [] }),
    status: 400,
  },
  {
    name: 'group reorder: enormous order',
    send: () =>
      request(gw.server)
        .put(`${API}/projects/${s.projectA}/groups/order`)
        .set(asA())
        .send({ groups: [{ id: s.groupA, order: 1e308 }] }),
    status: 400,
  },

  // ---- videos
  {
    name: "upload: text file named '../../etc/passwd.mp4'",
    send: () =>
      upload('../../etc/passwd.mp4', Buffer.from('root:x:0:0:root:/root:/bin/bash\n'.repeat(30))),
    status: 400,
    check: (r) => expect(fieldsIn(r)).toEqual(['file']),
  },
  {
    name: 'upload: text file named .mp4',
    send: () => upload('clip.mp4', Buffer.from('definitely not a video\n'.repeat(40))),
    status: 400,
    check: (r) => expect(fieldsIn(r)).toEqual(['file']),
  },
  {
    name: 'upload: JSON instead of multipart',
    send: () => post(`${API}/projects/${s.projectA}/videos`, { file: 'AAAA' }),
    status: 415,
  },
  {
    name: 'upload: multipart without a boundary',
    send: () => postRaw(`${API}/projects/${s.projectA}/videos`, 'garbage', 'multipart/form-data'),
    status: 400,
  },
  {
    name: 'upload: no file part',
    send: () =>
      request(gw.server)
        .post(`${API}/projects/${s.projectA}/videos`)
        .set(asA())
        .field('groupId', s.groupA),
    status: 400,
  },
  {
    name: 'upload: unknown form field',
    send: () => upload('a.mp4', Buffer.from('x'), { isAdmin: 'true' }),
    status: 400,
  },
  {
    name: 'upload: SQL in groupId',
    send: () => upload('a.mp4', Buffer.from('x'.repeat(100)), { groupId: `' OR 1=1 --` }),
    status: 400,
  },
  {
    name: 'upload: NUL byte in groupId',
    send: () => upload('a.mp4', Buffer.from('x'.repeat(100)), { groupId: 'g\u0000' }),
    status: 400,
  },
  {
    name: 'upload: NUL byte and traversal in the file name',
    send: () => upload('../x\u0000.mp4', Buffer.from('not a video'.repeat(20))),
    status: 400,
  },
  {
    name: 'upload: over MAX_UPLOAD_BYTES is 413',
    send: () => oversizedUpload(UPLOAD_LIMIT * 8),
    status: 413,
  },
  {
    name: "upload: into another user's project",
    send: () =>
      request(gw.server)
        .post(`${API}/projects/${s.projectA}/videos`)
        .set(asB())
        .attach('file', Buffer.from('x'.repeat(100)), 'a.mp4'),
    status: 404,
  },
  {
    name: "video: move another user's video",
    send: () => patch(`${API}/projects/${s.projectA}/videos/${s.videoA}`, { groupId: null }, asB()),
    status: 404,
  },
  {
    name: "video: delete another user's video",
    send: () => del(`${API}/projects/${s.projectA}/videos/${s.videoA}`, asB()),
    status: 404,
  },
  {
    name: 'video: move with groupId a number',
    send: () => patch(`${API}/projects/${s.projectA}/videos/${s.videoA}`, { groupId: 123 }),
    status: 400,
    check: (r) => expect(fieldsIn(r)).toEqual(['groupId']),
  },
  {
    name: 'video: move with no groupId',
    send: () => patch(`${API}/projects/${s.projectA}/videos/${s.videoA}`, {}),
    status: 400,
    check: (r) => expect(fieldsIn(r)).toEqual(['groupId']),
  },
  {
    name: 'video: malformed video id',
    send: () => del(`${API}/projects/${s.projectA}/videos/not-a-uuid`),
    status: 404,
  },
  {
    name: 'videos list: limit=0',
    send: () => get(`${API}/projects/${s.projectA}/videos?limit=0`),
    status: 400,
  },
  {
    name: 'videos list: NUL byte in the groupId filter',
    send: () => get(`${API}/projects/${s.projectA}/videos?groupId=g%00`),
    status: 400,
    check: (r) => expect(fieldsIn(r)).toEqual(['groupId']),
  },
  {
    name: 'videos list: 100-character groupId',
    send: () => get(`${API}/projects/${s.projectA}/videos?groupId=${'g'.repeat(100)}`),
    status: 400,
  },

  // ---- jobs and outputs
  {
    name: 'job: negative seed',
    send: () => post(`${API}/projects/${s.projectA}/jobs`, { seed: -1 }),
    status: 400,
    check: (r) => expect(fieldsIn(r)).toEqual(['seed']),
  },
  {
    name: 'job: seed as a string',
    send: () => post(`${API}/projects/${s.projectA}/jobs`, { seed: 'abc' }),
    status: 400,
  },
  {
    name: 'job: unknown field in the body',
    send: () => post(`${API}/projects/${s.projectA}/jobs`, { outputCount: 1e9 }),
    status: 400,
  },
  {
    name: 'job: Idempotency-Key with spaces and slashes',
    send: () =>
      request(gw.server)
        .post(`${API}/projects/${s.projectA}/jobs`)
        .set(asA())
        .set('Idempotency-Key', '../../etc passwd')
        .send({}),
    status: 400,
  },
  {
    name: "job: start in another user's project",
    send: () => post(`${API}/projects/${s.projectA}/jobs`, {}, asB()),
    status: 404,
  },
  {
    name: "job: estimate another user's project",
    send: () => post(`${API}/projects/${s.projectA}/jobs/estimate`, {}, asB()),
    status: 404,
  },
  { name: 'job: malformed id', send: () => get(`${API}/jobs/not-a-uuid`), status: 404 },
  {
    name: 'job: cancel a malformed id',
    send: () => post(`${API}/jobs/not-a-uuid/cancel`, {}),
    status: 404,
  },
  {
    name: 'job: outputs of a malformed id',
    send: () => get(`${API}/jobs/${encodeURIComponent(`1' OR '1'='1`)}/outputs`),
    status: 404,
  },
  {
    name: 'job: events of a malformed id',
    send: () => get(`${API}/jobs/nope/events`),
    status: 404,
  },
  {
    name: 'jobs list: page=0',
    send: () => get(`${API}/projects/${s.projectA}/jobs?page=0`),
    status: 400,
  },
  {
    name: 'output: traversal-looking id',
    send: () => get(`${API}/outputs/${encodeURIComponent('../../etc/passwd')}/download`),
    status: 404,
  },
  {
    name: 'output: unknown id with a hostile Range',
    send: () => get(`${API}/outputs/nope/download`).set('Range', 'bytes=-1--5,9e999-'),
    status: 404,
  },

  // ---- billing
  {
    name: 'purchase: credits -1',
    send: () => post(`${API}/billing/purchase`, { credits: -1, paymentReference: 'p1' }),
    status: 400,
    check: (r) => expect(fieldsIn(r)).toEqual(['credits']),
  },
  {
    name: 'purchase: credits 1e308',
    send: () => post(`${API}/billing/purchase`, { credits: 1e308, paymentReference: 'p2' }),
    status: 400,
    check: (r) => expect(fieldsIn(r)).toEqual(['credits']),
  },
  {
    name: 'purchase: credits as a string',
    send: () => post(`${API}/billing/purchase`, { credits: '100', paymentReference: 'p3' }),
    status: 400,
    check: (r) => expect(fieldsIn(r)).toEqual(['credits']),
  },
  {
    name: 'purchase: NUL byte in the payment reference',
    send: () => post(`${API}/billing/purchase`, { credits: 1, paymentReference: 'p\u00004' }),
    status: 400,
    check: (r) => expect(fieldsIn(r)).toEqual(['paymentReference']),
  },
  {
    name: 'purchase: 1 MB payment reference is 413',
    send: () => post(`${API}/billing/purchase`, { credits: 1, paymentReference: megabyte }),
    status: 413,
  },
  {
    name: 'purchase: nothing sent',
    send: () => post(`${API}/billing/purchase`, {}),
    status: 400,
    check: (r) => expect(fieldsIn(r).sort()).toEqual(['credits', 'paymentReference']),
  },
  {
    name: 'purchase: userId of someone else',
    send: () =>
      post(`${API}/billing/purchase`, { credits: 1, paymentReference: 'p5', userId: 'x' }),
    status: 400,
  },
  {
    name: 'transactions: limit=1e9',
    send: () => get(`${API}/billing/transactions?limit=1e9`),
    status: 400,
  },
  {
    name: 'transactions: SQL in the type filter',
    send: () => get(`${API}/billing/transactions?type=${encodeURIComponent(`' OR 1=1 --`)}`),
    status: 400,
  },

  // ---- API keys
  {
    name: 'api key: no name',
    send: () => post(`${API}/api-keys`, { scopes: ['read'] }),
    status: 400,
    check: (r) => expect(fieldsIn(r)).toEqual(['name']),
  },
  {
    name: 'api key: expiresAt in the past',
    send: () =>
      post(`${API}/api-keys`, { name: 'k', expiresAt: '2000-01-01T00:00:00Z', scopes: ['read'] }),
    status: 400,
    check: (r) => expect(fieldsIn(r)).toEqual(['expiresAt']),
  },
  {
    name: 'api key: expiresAt not a date',
    send: () => post(`${API}/api-keys`, { name: 'k', expiresAt: 'tomorrow-ish', scopes: ['read'] }),
    status: 400,
    check: (r) => expect(fieldsIn(r)).toEqual(['expiresAt']),
  },
  {
    name: 'api key: NUL byte in the name',
    send: () => post(`${API}/api-keys`, { name: 'k\u0000', scopes: ['read'] }),
    status: 400,
    check: (r) => expect(fieldsIn(r)).toEqual(['name']),
  },
  {
    name: 'api key: no scopes',
    send: () => post(`${API}/api-keys`, { name: 'k' }),
    status: 400,
    check: (r) => expect(fieldsIn(r)).toEqual(['scopes']),
  },
  {
    name: 'api key: an empty or unknown scope',
    send: () => post(`${API}/api-keys`, { name: 'k', scopes: ['read', 'admin'] }),
    status: 400,
    check: (r) => expect(fieldsIn(r)).toEqual(['scopes']),
  },
  {
    name: "api key: revoke another user's key",
    send: () => del(`${API}/api-keys/${s.liveKeyId}`, asB()),
    status: 404,
  },
  {
    name: 'api key: revoke a malformed id',
    send: () => del(`${API}/api-keys/not-a-uuid`),
    status: 404,
  },

  // ---- elsewhere
  {
    name: 'unknown route',
    send: () => get(`${API}/no-such-route`),
    status: 404,
  },
];

// ---------------------------------------------------------------- the tests

describe('controls (the hostile cases below would pass for the wrong reason without these)', () => {
  it('a JWT forged here with the right secret, HS256 and a live user is accepted', async () => {
    await get(`${API}/users/me`, bearer(signed({ sub: s.userA }))).expect(200);
  });

  it('the live API key is accepted', async () => {
    await get(`${API}/users/me`, { 'X-API-Key': s.liveKey }).expect(200);
  });

  it('a valid project body is accepted (the invalid ones differ from it in one thing)', async () => {
    // Made and removed here, before the snapshot is taken.
    const res = await post(`${API}/projects`, validProject()).expect(201);
    await del(`${API}/projects/${res.body.id}`).expect(204);
  });

  it('stores SQL-looking text verbatim: the project name and a listing find it, users intact', async () => {
    const res = await get(`${API}/projects/${s.sqlProject}`).expect(200);
    expect(res.body.name).toBe(SQL_NAME);
    const row = await db.prisma.project.findUniqueOrThrow({ where: { id: s.sqlProject } });
    expect(row.name).toBe(SQL_NAME);
    expect(await db.prisma.user.count()).toBe(2);
  });
});

describe('bad input', () => {
  let before: Snapshot;
  const statuses: Record<string, number> = {};

  beforeAll(async () => {
    before = await snapshot();
    expect(before.rows.users).toBe(2);
    expect(before.rows.video_files).toBe(1);
    expect(before.files.length).toBeGreaterThan(0);
  }, 30_000);

  it(`has at least 40 cases (${cases.length})`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it.each(cases.map((c) => [c.name, c] as const))(
    '%s',
    async (_name, c) => {
      const pre = await snapshot();
      const res = await c.send();
      statuses[c.name] = res.status;
      expect(res.status).toBeLessThan(500);
      const allowed = Array.isArray(c.status) ? c.status : [c.status];
      expect(allowed).toContain(res.status);
      expectErrorShape(res);
      c.check?.(res);
      // Nothing written by this case: same row counts, same files (refused uploads are cleaned
      // up at once, an aborted one shortly after). The whole run is compared at the end too.
      let after = await snapshot();
      for (let i = 0; i < 50 && after.files.join() !== pre.files.join(); i++) {
        await new Promise((r) => setTimeout(r, 100));
        after = await snapshot();
      }
      expect(after).toEqual(pre);
    },
    30_000,
  );

  it('no case was answered with a 5xx', () => {
    expect(Object.keys(statuses)).toHaveLength(cases.length);
    expect(Object.entries(statuses).filter(([, status]) => status >= 500)).toEqual([]);
  });

  it('left the database and the storage unchanged, users table included', async () => {
    expect(await snapshot()).toEqual(before);
    const [{ users }] = await db.prisma.$queryRawUnsafe<{ users: string | null }[]>(
      `SELECT to_regclass('public.users')::text AS users`,
    );
    expect(users).toBe('users');
    await get(`${API}/users/me`).expect(200);
  });
});
