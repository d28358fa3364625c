/* eslint-disable @typescript-eslint/no-explicit-any -- the OpenAPI document is walked as plain JSON */
import { execFile } from 'node:child_process';
import request from 'supertest';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startGateway, type TestGateway } from '../support/gateway';

let db: TestDatabase;
let gw: TestGateway;

beforeAll(async () => {
  db = await createTestDatabase();
  gw = await startGateway();
}, 30_000);
afterAll(async () => {
  await gw?.close();
  await db?.drop();
}, 30_000);

/**
 * Validates a document with @apidevtools/swagger-parser in a child Node process: the package
 * (v13) requires the ES-module-only @apidevtools/json-schema-ref-parser, which plain Node
 * (>= 20.19, require(esm)) loads but Jest's CommonJS module loader refuses.
 */
function validateOpenApi(doc: unknown): Promise<{ ok: boolean; error?: string }> {
  const script = `
    const SwaggerParser = require('@apidevtools/swagger-parser');
    let input = '';
    process.stdin.on('data', (c) => (input += c));
    process.stdin.on('end', () =>
      SwaggerParser.validate(JSON.parse(input)).then(
        () => process.stdout.write(JSON.stringify({ ok: true })),
        (e) => process.stdout.write(JSON.stringify({ ok: false, error: String(e.message) })),
      ),
    );`;
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['--no-warnings', '-e', script],
      { cwd: process.cwd(), maxBuffer: 10 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`validator failed to run: ${stderr || error.message}`));
        resolve(JSON.parse(stdout));
      },
    );
    child.stdin!.end(JSON.stringify(doc));
  });
}

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
interface Expected {
  method: Method;
  path: string;
  /** The error statuses the route can answer, each to be documented. */
  errors: number[];
  /** Needs credentials: both security schemes listed. */
  secured: boolean;
}

const P = '/api/v1';
/**
 * The routes of shared/API.md owned by auth, api-keys, users, projects, groups and health (plus
 * the group reorder route, which API.md does not list), with every error status each can give.
 */
const ROUTES: Expected[] = [
  { method: 'post', path: `${P}/auth/register`, errors: [400, 409, 429], secured: false },
  { method: 'post', path: `${P}/auth/login`, errors: [400, 401, 403, 429], secured: false },
  { method: 'get', path: `${P}/users/me`, errors: [401], secured: true },
  { method: 'post', path: `${P}/api-keys`, errors: [400, 401, 409], secured: true },
  { method: 'get', path: `${P}/api-keys`, errors: [401], secured: true },
  { method: 'delete', path: `${P}/api-keys/{id}`, errors: [401, 404], secured: true },
  { method: 'post', path: `${P}/projects`, errors: [400, 401], secured: true },
  { method: 'get', path: `${P}/projects`, errors: [400, 401], secured: true },
  { method: 'get', path: `${P}/projects/{id}`, errors: [401, 404], secured: true },
  { method: 'patch', path: `${P}/projects/{id}`, errors: [400, 401, 404, 409], secured: true },
  { method: 'delete', path: `${P}/projects/{id}`, errors: [401, 404, 409], secured: true },
  {
    method: 'post',
    path: `${P}/projects/{id}/groups`,
    errors: [400, 401, 404, 409],
    secured: true,
  },
  { method: 'get', path: `${P}/projects/{id}/groups`, errors: [401, 404], secured: true },
  {
    method: 'put',
    path: `${P}/projects/{id}/groups/order`,
    errors: [400, 401, 404, 409],
    secured: true,
  },
  {
    method: 'patch',
    path: `${P}/projects/{id}/groups/{groupId}`,
    errors: [400, 401, 404, 409],
    secured: true,
  },
  {
    method: 'delete',
    path: `${P}/projects/{id}/groups/{groupId}`,
    errors: [401, 404],
    secured: true,
  },
  { method: 'get', path: '/health', errors: [], secured: false },
  { method: 'get', path: '/health/ready', errors: [503], secured: false },
];

interface Operation {
  security?: Record<string, string[]>[];
  responses: Record<string, { $ref?: string; content?: Record<string, { schema?: unknown }> }>;
  parameters?: { name: string; in: string; required?: boolean }[];
}

const operation = (doc: Record<string, any>, r: Expected): Operation | undefined =>
  doc.paths?.[r.path]?.[r.method];

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3 document (swagger-parser), as built and as served', async () => {
    expect(gw.openApi.openapi).toMatch(/^3\./);
    expect(await validateOpenApi(gw.openApi)).toEqual({ ok: true });
    const served = await request(gw.server).get('/docs-json').expect(200);
    expect(served.headers['content-type']).toMatch(/application\/json/);
    expect(await validateOpenApi(served.body)).toEqual({ ok: true });
    expect(served.body).toEqual(JSON.parse(JSON.stringify(gw.openApi)));
  }, 30_000);

  it('the validator does refuse a broken document (so the check above can fail)', async () => {
    const broken = JSON.parse(JSON.stringify(gw.openApi));
    delete broken.info.version;
    broken.paths['/api/v1/users/me'].get.responses = { 200: { $ref: '#/components/nope' } };
    const result = await validateOpenApi(broken);
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/version|nope/);
  }, 30_000);

  it('serves Swagger UI at /docs', async () => {
    const res = await request(gw.server).get('/docs').redirects(1).expect(200);
    expect(res.text).toMatch(/swagger-ui/i);
  });

  it('declares both security schemes: bearer JWT and X-API-Key header', () => {
    expect(gw.openApi.components?.securitySchemes).toEqual({
      bearer: expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }),
      apiKey: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-API-Key' }),
    });
  });

  it('names the scope each route needs of an API key, or that it takes a JWT only', () => {
    const scoped: Record<string, string[]> = {};
    const jwtOnly: string[] = [];
    for (const [path, ops] of Object.entries(gw.openApi.paths ?? {})) {
      for (const [method, op] of Object.entries(ops as Record<string, any>)) {
        if (!op?.security) continue;
        const name = `${method} ${path}`;
        // Every secured route can answer 403 to a key: both the reason and the shape documented
        // (under the route's own media type: text/event-stream for the job events).
        const forbidden = Object.values<any>(op.responses['403']?.content ?? {})[0];
        expect([name, forbidden?.schema]).toEqual([
          name,
          { $ref: '#/components/schemas/ErrorResponseDto' },
        ]);
        if (op['x-requires-jwt']) jwtOnly.push(name);
        else scoped[name] = op['x-required-scopes'];
      }
    }
    // Key management and the operators' routes take a JWT only.
    expect(jwtOnly.sort()).toEqual(
      [
        `get ${P}/api-keys`,
        `post ${P}/api-keys`,
        `delete ${P}/api-keys/{id}`,
        `get ${P}/admin/audit-logs`,
        `get ${P}/admin/users`,
        `get ${P}/admin/users/{id}`,
        `post ${P}/admin/users/{id}/credits`,
        `post ${P}/admin/users/{id}/deactivate`,
        `post ${P}/admin/users/{id}/reactivate`,
        `put ${P}/admin/users/{id}/licence`,
      ].sort(),
    );
    expect(scoped).toMatchObject({
      [`get ${P}/users/me`]: ['read'],
      [`get ${P}/projects`]: ['read'],
      [`post ${P}/projects`]: ['write'],
      [`patch ${P}/projects/{id}`]: ['write'],
      [`delete ${P}/projects/{id}`]: ['write'],
      [`put ${P}/projects/{id}/groups/order`]: ['write'],
      [`post ${P}/projects/{id}/videos`]: ['write'],
      [`get ${P}/projects/{id}/videos`]: ['read'],
      [`post ${P}/projects/{id}/jobs/estimate`]: ['jobs'],
      [`post ${P}/projects/{id}/jobs`]: ['jobs'],
      [`post ${P}/jobs/{id}/cancel`]: ['jobs'],
      [`get ${P}/jobs/{id}`]: ['read'],
      [`get ${P}/outputs/{id}/download`]: ['read'],
      [`get ${P}/billing/balance`]: ['billing'],
      [`get ${P}/billing/transactions`]: ['billing'],
      [`post ${P}/billing/purchase`]: ['billing'],
    });
    // No secured route is left without a scope.
    for (const [name, scopes] of Object.entries(scoped)) {
      expect([name, scopes?.length]).toEqual([name, 1]);
    }
  });

  it('documents the one error shape', () => {
    const schemas = gw.openApi.components?.schemas as Record<string, any>;
    const err = schemas.ErrorResponseDto;
    expect(err).toBeDefined();
    expect(Object.keys(err.properties).sort()).toEqual(
      ['details', 'error', 'message', 'statusCode'].sort(),
    );
    expect([...err.required].sort()).toEqual(['error', 'message', 'statusCode']);
  });

  describe.each(ROUTES)('$method $path', (route) => {
    it('is in the document', () => {
      expect(operation(gw.openApi, route)).toBeDefined();
    });

    it('documents its error responses with the error shape', () => {
      const op = operation(gw.openApi, route)!;
      const statuses = Object.keys(op.responses).map(Number);
      for (const status of route.errors) {
        expect(`${status}: ${statuses.includes(status)}`).toBe(`${status}: true`);
        if (status === 503) continue; // terminus documents its own health body
        const schema = op.responses[String(status)].content?.['application/json']?.schema;
        expect({ status, schema }).toEqual({
          status,
          schema: { $ref: '#/components/schemas/ErrorResponseDto' },
        });
      }
      // And at least one success response.
      expect(statuses.some((s) => s >= 200 && s < 300)).toBe(true);
    });

    it(route.secured ? 'requires bearer or API key' : 'is public', () => {
      const op = operation(gw.openApi, route)!;
      const schemes = (op.security ?? gw.openApi.security ?? []).flatMap((s) => Object.keys(s));
      if (route.secured) expect(schemes.sort()).toEqual(['apiKey', 'bearer']);
      else expect(schemes).toEqual([]);
    });

    if (route.path.includes('{')) {
      it('declares its path parameters', () => {
        const op = operation(gw.openApi, route)!;
        const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
        const params = (op.parameters ?? []).filter((p) => p.in === 'path');
        expect(params.map((p) => p.name).sort()).toEqual(names.sort());
        expect(params.every((p) => p.required)).toBe(true);
      });
    }
  });

  it('documents the list query of GET /projects (status, page, limit ≤ 100)', () => {
    const op = operation(gw.openApi, { method: 'get', path: `${P}/projects` } as Expected)!;
    const byName = Object.fromEntries((op.parameters ?? []).map((p: any) => [p.name, p])) as Record<
      string,
      any
    >;
    expect(Object.keys(byName).sort()).toEqual(['limit', 'page', 'status']);
    expect(byName.limit.schema.maximum).toBe(100);
    expect(byName.status.schema.enum).toEqual(['DRAFT', 'PROCESSING', 'COMPLETED', 'FAILED']);
  });

  it('documents the request bodies of the routes that take one', () => {
    const bodies: [Method, string, string][] = [
      ['post', `${P}/auth/register`, 'RegisterDto'],
      ['post', `${P}/auth/login`, 'LoginDto'],
      ['post', `${P}/api-keys`, 'CreateApiKeyDto'],
      ['post', `${P}/projects`, 'CreateProjectDto'],
      ['patch', `${P}/projects/{id}`, 'UpdateProjectDto'],
      ['post', `${P}/projects/{id}/groups`, 'CreateGroupDto'],
      ['put', `${P}/projects/{id}/groups/order`, 'ReorderGroupsDto'],
      ['patch', `${P}/projects/{id}/groups/{groupId}`, 'UpdateGroupDto'],
    ];
    for (const [method, path, schema] of bodies) {
      const op = (gw.openApi.paths as Record<string, any>)[path][method];
      expect({ path, ref: op.requestBody?.content?.['application/json']?.schema?.$ref }).toEqual({
        path,
        ref: `#/components/schemas/${schema}`,
      });
    }
    const settings = (gw.openApi.components?.schemas as Record<string, any>).ProjectSettingsDto;
    expect(settings.properties.mixingMode.enum).toEqual(['AUTO', 'MANUAL']);
    expect(settings.properties.quality.enum).toEqual(['LOW', 'MEDIUM', 'HIGH', 'ULTRA']);
    expect(settings.properties.outputFormat.enum).toEqual(['MP4', 'MOV', 'AVI']);
    expect([...settings.required].sort()).toEqual(
      ['mixingMode', 'outputCount', 'outputFormat', 'quality'].sort(),
    );
  });

  it('never documents a password hash in a response', () => {
    const user = (gw.openApi.components?.schemas as Record<string, any>).UserDto;
    expect(Object.keys(user.properties)).not.toContain('password');
    expect(Object.keys(user.properties)).toEqual(
      expect.arrayContaining(['id', 'email', 'credits', 'licenseType', 'licenseExpiry']),
    );
  });
});
