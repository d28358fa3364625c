/* eslint-disable @typescript-eslint/no-explicit-any -- the OpenAPI document is walked as plain JSON */
import { execFile } from 'node:child_process';
import request from 'supertest';
import { buildOpenApiDocument } from '../../apps/gateway/src/openapi-document';
import { useSystem } from '../support/system';

const sys = useSystem();

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
    expect(sys.gw.openApi.openapi).toMatch(/^3\./);
    expect(await validateOpenApi(sys.gw.openApi)).toEqual({ ok: true });
    const served = await request(sys.gw.server).get('/docs-json').expect(200);
    expect(served.headers['content-type']).toMatch(/application\/json/);
    expect(await validateOpenApi(served.body)).toEqual({ ok: true });
    expect(served.body).toEqual(JSON.parse(JSON.stringify(sys.gw.openApi)));
  }, 30_000);

  it('the validator does refuse a broken document (so the check above can fail)', async () => {
    const broken = JSON.parse(JSON.stringify(sys.gw.openApi));
    delete broken.info.version;
    broken.paths['/api/v1/users/me'].get.responses = { 200: { $ref: '#/components/nope' } };
    const result = await validateOpenApi(broken);
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/version|nope/);
  }, 30_000);

  it('serves Swagger UI at /docs', async () => {
    const res = await request(sys.gw.server).get('/docs').redirects(1).expect(200);
    expect(res.text).toMatch(/swagger-ui/i);
  });

  it('declares both security schemes: bearer JWT and X-API-Key header', () => {
    expect(sys.gw.openApi.components?.securitySchemes).toEqual({
      bearer: expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }),
      apiKey: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-API-Key' }),
    });
  });

  it('names the scope each route needs of an API key, or that it takes a JWT only', () => {
    const scoped: Record<string, string[]> = {};
    const jwtOnly: string[] = [];
    for (const [path, ops] of Object.entries(sys.gw.openApi.paths ?? {})) {
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
    // Key management and every operator route take a JWT only.
    const admin = (name: string) => name.includes(`${P}/admin/`);
    expect(jwtOnly.filter((n) => !admin(n)).sort()).toEqual(
      [`get ${P}/api-keys`, `post ${P}/api-keys`, `delete ${P}/api-keys/{id}`].sort(),
    );
    expect(Object.keys(scoped).filter(admin)).toEqual([]);
    expect(jwtOnly.filter(admin).length).toBeGreaterThanOrEqual(7);
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
    const schemas = sys.gw.openApi.components?.schemas as Record<string, any>;
    const err = schemas.ErrorResponseDto;
    expect(err).toBeDefined();
    expect(Object.keys(err.properties).sort()).toEqual(
      ['details', 'error', 'message', 'statusCode'].sort(),
    );
    expect([...err.required].sort()).toEqual(['error', 'message', 'statusCode']);
  });

  describe.each(ROUTES)('$method $path', (route) => {
    it('is in the document', () => {
      expect(operation(sys.gw.openApi, route)).toBeDefined();
    });

    it('documents its error responses with the error shape', () => {
      const op = operation(sys.gw.openApi, route)!;
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
      const op = operation(sys.gw.openApi, route)!;
      const schemes = (op.security ?? sys.gw.openApi.security ?? []).flatMap((s) => Object.keys(s));
      if (route.secured) expect(schemes.sort()).toEqual(['apiKey', 'bearer']);
      else expect(schemes).toEqual([]);
    });

    if (route.path.includes('{')) {
      it('declares its path parameters', () => {
        const op = operation(sys.gw.openApi, route)!;
        const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
        const params = (op.parameters ?? []).filter((p) => p.in === 'path');
        expect(params.map((p) => p.name).sort()).toEqual(names.sort());
        expect(params.every((p) => p.required)).toBe(true);
      });
    }
  });

  it('documents the list query of GET /projects (status, page, limit ≤ 100)', () => {
    const op = operation(sys.gw.openApi, { method: 'get', path: `${P}/projects` } as Expected)!;
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
      const op = (sys.gw.openApi.paths as Record<string, any>)[path][method];
      expect({ path, ref: op.requestBody?.content?.['application/json']?.schema?.$ref }).toEqual({
        path,
        ref: `#/components/schemas/${schema}`,
      });
    }
    const settings = (sys.gw.openApi.components?.schemas as Record<string, any>).ProjectSettingsDto;
    expect(settings.properties.mixingMode.enum).toEqual(['AUTO', 'MANUAL']);
    expect(settings.properties.quality.enum).toEqual(['LOW', 'MEDIUM', 'HIGH', 'ULTRA']);
    expect(settings.properties.outputFormat.enum).toEqual(['MP4', 'MOV', 'AVI']);
    expect([...settings.required].sort()).toEqual(
      ['mixingMode', 'outputCount', 'outputFormat', 'quality'].sort(),
    );
  });

  it('never documents a password hash in a response', () => {
    const user = (sys.gw.openApi.components?.schemas as Record<string, any>).UserDto;
    expect(Object.keys(user.properties)).not.toContain('password');
    expect(Object.keys(user.properties)).toEqual(
      expect.arrayContaining(['id', 'email', 'credits', 'licenseType', 'licenseExpiry']),
    );
  });
});

/** Every operation of a document, with its method and path. */
const operations = (doc: Record<string, any>) =>
  Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    Object.entries(item as Record<string, any>).map(([method, op]) => ({ method, path, op })),
  );

/** The probes answer 200 or 503 and take no input: the only operations without a 4xx. */
const PROBES = ['get /health', 'get /health/ready'];

describe('the OpenAPI document, as the SDK reads it', () => {
  it('is the same document when built without servers (npm run sdk:generate)', async () => {
    const built = await buildOpenApiDocument();
    expect(JSON.parse(JSON.stringify(built))).toEqual(JSON.parse(JSON.stringify(sys.gw.openApi)));
  });

  it('gives every operation a camelCase id, unique across the document', () => {
    const ids = operations(sys.gw.openApi).map(({ method, path, op }) => [
      `${method} ${path}`,
      op.operationId,
    ]);
    for (const [name, id] of ids) {
      expect([name, id]).toEqual([name, expect.stringMatching(/^[a-z][a-zA-Z0-9]*$/)]);
    }
    const counts = new Map<string, number>();
    for (const [, id] of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect([...counts].filter(([, n]) => n > 1)).toEqual([]);
  });

  it('names the key operations as the SDK calls them', () => {
    const byId = Object.fromEntries(
      operations(sys.gw.openApi).map(({ method, path, op }) => [
        op.operationId,
        `${method} ${path}`,
      ]),
    );
    expect(byId).toMatchObject({
      register: `post ${P}/auth/register`,
      login: `post ${P}/auth/login`,
      getMe: `get ${P}/users/me`,
      createApiKey: `post ${P}/api-keys`,
      listApiKeys: `get ${P}/api-keys`,
      revokeApiKey: `delete ${P}/api-keys/{id}`,
      createProject: `post ${P}/projects`,
      listProjects: `get ${P}/projects`,
      getProject: `get ${P}/projects/{id}`,
      updateProject: `patch ${P}/projects/{id}`,
      deleteProject: `delete ${P}/projects/{id}`,
      createGroup: `post ${P}/projects/{id}/groups`,
      listGroups: `get ${P}/projects/{id}/groups`,
      uploadVideo: `post ${P}/projects/{id}/videos`,
      listVideos: `get ${P}/projects/{id}/videos`,
      estimateJob: `post ${P}/projects/{id}/jobs/estimate`,
      createJob: `post ${P}/projects/{id}/jobs`,
      listJobs: `get ${P}/projects/{id}/jobs`,
      getJob: `get ${P}/jobs/{id}`,
      cancelJob: `post ${P}/jobs/{id}/cancel`,
      listOutputs: `get ${P}/jobs/{id}/outputs`,
      downloadOutput: `get ${P}/outputs/{id}/download`,
      getBalance: `get ${P}/billing/balance`,
      listTransactions: `get ${P}/billing/transactions`,
      listPacks: `get ${P}/billing/packs`,
      checkout: `post ${P}/billing/checkout`,
      adminListUsers: `get ${P}/admin/users`,
      adminGetUser: `get ${P}/admin/users/{id}`,
      adminListAuditLogs: `get ${P}/admin/audit-logs`,
    });
  });

  it('gives an example for every field of every request body', () => {
    const schemas = sys.gw.openApi.components?.schemas as Record<string, any>;
    const resolve = (s: any): any => (s?.$ref ? schemas[s.$ref.split('/').pop()] : s);
    /** The fields without an example, by path; nested objects and arrays are walked. */
    const missing = (schema: any, at: string, seen: Set<any>): string[] => {
      const s = resolve(schema);
      if (!s || seen.has(s)) return [];
      if (s.allOf) return s.allOf.flatMap((part: any) => missing(part, at, seen));
      if (s.type === 'array') return missing(s.items, `${at}[]`, seen);
      const props = Object.entries<any>(s.properties ?? {});
      const next = new Set(seen).add(s);
      return props.flatMap(([name, prop]) => {
        const field = `${at}.${name}`;
        const inner = resolve(prop.type === 'array' ? prop.items : prop);
        // An object (or array of objects) is shown by the examples of its own fields.
        if (inner?.properties || inner?.allOf) return missing(prop, field, next);
        // A file has no meaningful example: it is the bytes of the upload.
        if (prop.format === 'binary') return [];
        return prop.example === undefined ? [field] : [];
      });
    };
    const withBody = operations(sys.gw.openApi).filter(({ op }) => op.requestBody);
    expect(withBody.length).toBeGreaterThan(10);
    const gaps = withBody.flatMap(({ op }) =>
      Object.entries<any>(op.requestBody.content).flatMap(([type, media]) =>
        missing(media.schema, `${op.operationId}(${type})`, new Set()),
      ),
    );
    expect(gaps).toEqual([]);
  });

  it('describes every error response of every operation, with the error shape', () => {
    const undocumented: string[] = [];
    for (const { method, path, op } of operations(sys.gw.openApi)) {
      const name = `${method} ${path}`;
      const errors = Object.entries<any>(op.responses).filter(([s]) => s >= '400' && s < '500');
      if (!PROBES.includes(name) && errors.length === 0) undocumented.push(`${name}: no 4xx`);
      for (const [status, response] of errors) {
        if (!response.description?.trim()) undocumented.push(`${name} ${status}: no description`);
        const refs = Object.values<any>(response.content ?? {}).map((m) => m.schema?.$ref);
        if (!refs.includes('#/components/schemas/ErrorResponseDto')) {
          undocumented.push(`${name} ${status}: not the error shape`);
        }
      }
    }
    expect(undocumented).toEqual([]);
  });

  it('documents the errors each kind of input can cause', () => {
    const missing: string[] = [];
    for (const { method, path, op } of operations(sys.gw.openApi)) {
      const statuses = Object.keys(op.responses);
      const expected = [
        // A body or a query can be invalid; an id can name nothing of the caller's.
        ...(op.requestBody || op.parameters?.some((p: any) => p.in === 'query') ? ['400'] : []),
        ...(path.includes('{') ? ['404'] : []),
        // Credentials can be missing, or a key can lack the scope.
        ...(op.security ? ['401', '403'] : []),
      ];
      for (const status of expected) {
        if (!statuses.includes(status)) missing.push(`${method} ${path}: ${status}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
