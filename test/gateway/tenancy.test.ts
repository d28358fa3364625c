import { mkdir, writeFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import request from 'supertest';
import { expectErrorShape, binaryBody } from '../support/http';
import {
  createProject,
  projectSettings,
  registerUser,
  type RegisteredUser,
} from '../support/factories';
import { useSystem } from '../support/system';

/**
 * A second user must get 404 (never 403) on every route that takes an id owned by the first,
 * and must change nothing; lists show only the caller's own items.
 */

const sys = useSystem();
let alice: RegisteredUser;
let bob: RegisteredUser;
let bobKey: string;

// Alice's things.
let projectId: string;
let busyProjectId: string;
let groupId: string;
let videoId: string;
let jobId: string;
let busyJobId: string;
let outputId: string;
let apiKeyId: string;
const OUTPUT_BYTES = Buffer.from('pretend this is an mp4 file');

// Bob's own project, to aim at Alice's groups and videos through it.
let bobProjectId: string;

beforeAll(async () => {
  alice = await registerUser(sys.gw.server);
  bob = await registerUser(sys.gw.server);
  bobKey = (
    await request(sys.gw.server)
      .post('/api/v1/api-keys')
      .set('Authorization', `Bearer ${bob.token}`)
      .send({ name: 'bob', scopes: ['read', 'write', 'jobs', 'billing'] })
      .expect(201)
  ).body.key;

  projectId = (await createProject(sys.gw.server, alice.token, { name: 'alice project' })).id;
  busyProjectId = (await createProject(sys.gw.server, alice.token, { name: 'alice busy' })).id;
  bobProjectId = (await createProject(sys.gw.server, bob.token, { name: 'bob project' })).id;

  groupId = (
    await request(sys.gw.server)
      .post(`/api/v1/projects/${projectId}/groups`)
      .set('Authorization', `Bearer ${alice.token}`)
      .send({ name: 'Hooks', order: 0 })
      .expect(201)
  ).body.id;
  await request(sys.gw.server)
    .post(`/api/v1/projects/${bobProjectId}/groups`)
    .set('Authorization', `Bearer ${bob.token}`)
    .send({ name: 'Bob hooks', order: 0 })
    .expect(201);

  const dir = path.join(process.env.STORAGE_DIR!, 'users', alice.user.id, 'projects', projectId);
  const videoPath = path.join(dir, 'sources', 'v.mp4');
  await mkdir(path.dirname(videoPath), { recursive: true });
  await writeFile(videoPath, 'source clip');
  videoId = (
    await sys.db.prisma.videoFile.create({
      data: {
        originalName: 'alice.mp4',
        filename: 'v.mp4',
        path: videoPath,
        size: BigInt(11),
        duration: 3,
        format: 'mp4',
        resolution: '320x180',
        projectId,
        groupId,
      },
    })
  ).id;

  const started = new Date(Date.now() - 60_000);
  jobId = (
    await sys.db.prisma.processingJob.create({
      data: {
        projectId,
        status: 'COMPLETED',
        progress: 100,
        startedAt: started,
        completedAt: new Date(),
        outputCount: 1,
        idempotencyKey: 'alice-key-1',
        requestHash: 'x',
      },
    })
  ).id;
  await sys.db.prisma.project.update({ where: { id: projectId }, data: { status: 'COMPLETED' } });
  const outPath = path.join(dir, 'jobs', jobId, 'out-1.mp4');
  await mkdir(path.dirname(outPath), { recursive: true });
  await writeFile(outPath, OUTPUT_BYTES);
  outputId = (
    await sys.db.prisma.outputFile.create({
      data: {
        jobId,
        filename: 'out-1.mp4',
        path: outPath,
        size: BigInt(OUTPUT_BYTES.length),
        duration: 3,
        metadata: { campaign: 'alice' },
        sourceFiles: [videoId],
      },
    })
  ).id;

  busyJobId = (
    await sys.db.prisma.processingJob.create({
      data: {
        projectId: busyProjectId,
        status: 'PROCESSING',
        progress: 40,
        startedAt: started,
        outputCount: 4,
      },
    })
  ).id;
  await sys.db.prisma.project.update({
    where: { id: busyProjectId },
    data: { status: 'PROCESSING' },
  });

  apiKeyId = (
    await request(sys.gw.server)
      .post('/api/v1/api-keys')
      .set('Authorization', `Bearer ${alice.token}`)
      .send({ name: 'alice', scopes: ['read', 'write', 'jobs', 'billing'] })
      .expect(201)
  ).body.id;
}, 30_000);

type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';
interface Route {
  name: string;
  method: Method;
  path: () => string;
  body?: () => object;
  /** What Alice herself gets (proves the id exists, so Bob's 404 means "not yours"). */
  owner: number;
  multipart?: boolean;
  /** Takes a JWT only: an API key answers 403 before any lookup. */
  jwtOnly?: boolean;
}

/** Every gateway route that takes an id of a project, group, video, job, output or API key. */
const routes: Route[] = [
  { name: 'GET /projects/:id', method: 'get', path: () => `/projects/${projectId}`, owner: 200 },
  {
    name: 'PATCH /projects/:id',
    method: 'patch',
    path: () => `/projects/${projectId}`,
    body: () => ({ name: 'hijacked' }),
    owner: 0, // not replayed by Alice: it would change her project
  },
  {
    name: 'DELETE /projects/:id',
    method: 'delete',
    path: () => `/projects/${projectId}`,
    owner: 0,
  },
  {
    name: 'POST /projects/:id/groups',
    method: 'post',
    path: () => `/projects/${projectId}/groups`,
    body: () => ({ name: 'intruder', order: 9 }),
    owner: 0,
  },
  {
    name: 'GET /projects/:id/groups',
    method: 'get',
    path: () => `/projects/${projectId}/groups`,
    owner: 200,
  },
  {
    name: 'PUT /projects/:id/groups/order',
    method: 'put',
    path: () => `/projects/${projectId}/groups/order`,
    body: () => ({ groups: [{ id: groupId, order: 5 }] }),
    owner: 0,
  },
  {
    name: 'PUT /projects/:id/groups/order (own project, her group)',
    method: 'put',
    path: () => `/projects/${bobProjectId}/groups/order`,
    body: () => ({ groups: [{ id: groupId, order: 5 }] }),
    owner: 0,
  },
  {
    name: 'PATCH /projects/:id/groups/:groupId',
    method: 'patch',
    path: () => `/projects/${projectId}/groups/${groupId}`,
    body: () => ({ name: 'renamed' }),
    owner: 0,
  },
  {
    name: 'PATCH /projects/:id/groups/:groupId (own project, her group)',
    method: 'patch',
    path: () => `/projects/${bobProjectId}/groups/${groupId}`,
    body: () => ({ name: 'renamed' }),
    owner: 0,
  },
  {
    name: 'DELETE /projects/:id/groups/:groupId',
    method: 'delete',
    path: () => `/projects/${projectId}/groups/${groupId}`,
    owner: 0,
  },
  {
    name: 'DELETE /projects/:id/groups/:groupId (own project, her group)',
    method: 'delete',
    path: () => `/projects/${bobProjectId}/groups/${groupId}`,
    owner: 0,
  },
  {
    name: 'POST /projects/:id/videos',
    method: 'post',
    path: () => `/projects/${projectId}/videos`,
    multipart: true,
    owner: 0,
  },
  {
    name: 'GET /projects/:id/videos',
    method: 'get',
    path: () => `/projects/${projectId}/videos`,
    owner: 200,
  },
  {
    name: 'PATCH /projects/:id/videos/:videoId',
    method: 'patch',
    path: () => `/projects/${projectId}/videos/${videoId}`,
    body: () => ({ groupId: null }),
    owner: 0,
  },
  {
    name: 'PATCH /projects/:id/videos/:videoId (own project, her video)',
    method: 'patch',
    path: () => `/projects/${bobProjectId}/videos/${videoId}`,
    body: () => ({ groupId: null }),
    owner: 0,
  },
  {
    name: 'DELETE /projects/:id/videos/:videoId',
    method: 'delete',
    path: () => `/projects/${projectId}/videos/${videoId}`,
    owner: 0,
  },
  {
    name: 'DELETE /projects/:id/videos/:videoId (own project, her video)',
    method: 'delete',
    path: () => `/projects/${bobProjectId}/videos/${videoId}`,
    owner: 0,
  },
  {
    name: 'POST /projects/:id/jobs/estimate',
    method: 'post',
    path: () => `/projects/${busyProjectId}/jobs/estimate`,
    owner: 422, // Alice's project has no videos: not mixable, but found
  },
  {
    name: 'POST /projects/:id/jobs',
    method: 'post',
    path: () => `/projects/${projectId}/jobs`,
    body: () => ({}),
    owner: 0,
  },
  {
    name: 'GET /projects/:id/jobs',
    method: 'get',
    path: () => `/projects/${projectId}/jobs`,
    owner: 200,
  },
  { name: 'GET /jobs/:id', method: 'get', path: () => `/jobs/${jobId}`, owner: 200 },
  {
    name: 'POST /jobs/:id/cancel (final job)',
    method: 'post',
    path: () => `/jobs/${jobId}/cancel`,
    owner: 409, // already final: found, refused for another reason
  },
  {
    name: 'POST /jobs/:id/cancel (running job)',
    method: 'post',
    path: () => `/jobs/${busyJobId}/cancel`,
    owner: 0,
  },
  {
    name: 'GET /jobs/:id/outputs',
    method: 'get',
    path: () => `/jobs/${jobId}/outputs`,
    owner: 200,
  },
  {
    name: 'GET /jobs/:id/events',
    method: 'get',
    path: () => `/jobs/${jobId}/events`,
    owner: 200, // a final job: the stream sends its state and ends
  },
  {
    name: 'GET /outputs/:id/download',
    method: 'get',
    path: () => `/outputs/${outputId}/download`,
    owner: 200,
  },
  {
    name: 'DELETE /api-keys/:id',
    method: 'delete',
    path: () => `/api-keys/${apiKeyId}`,
    owner: 0,
    jwtOnly: true,
  },
];

function send(route: Route, headers: Record<string, string>) {
  let req = request(sys.gw.server)[route.method](`/api/v1${route.path()}`).set(headers);
  if (route.multipart) {
    req = req.field('groupId', groupId).attach('file', Buffer.from('not read'), 'clip.mp4');
  } else if (route.body) req = req.send(route.body());
  return req;
}

/** Everything of Alice's that Bob's requests could have touched. */
async function aliceState() {
  const [projects, groups, videos, jobs, outputs, keys, user] = await Promise.all([
    sys.db.prisma.project.findMany({ where: { userId: alice.user.id }, orderBy: { id: 'asc' } }),
    sys.db.prisma.videoGroup.findMany({
      where: { project: { userId: alice.user.id } },
      orderBy: { id: 'asc' },
    }),
    sys.db.prisma.videoFile.findMany({
      where: { project: { userId: alice.user.id } },
      orderBy: { id: 'asc' },
    }),
    sys.db.prisma.processingJob.findMany({
      where: { project: { userId: alice.user.id } },
      orderBy: { id: 'asc' },
    }),
    sys.db.prisma.outputFile.findMany({
      where: { job: { project: { userId: alice.user.id } } },
      orderBy: { id: 'asc' },
    }),
    sys.db.prisma.apiKey.findMany({ where: { userId: alice.user.id }, orderBy: { id: 'asc' } }),
    sys.db.prisma.user.findUniqueOrThrow({ where: { id: alice.user.id } }),
  ]);
  return JSON.stringify(
    { projects, groups, videos, jobs, outputs, keys, credits: user.credits },
    (_, v) => (typeof v === 'bigint' ? v.toString() : v),
  );
}

describe("another user's ids answer 404", () => {
  let before: string;
  beforeAll(async () => {
    before = await aliceState();
  });

  for (const route of routes) {
    it(`${route.name}: 404 by JWT and by API key`, async () => {
      const byJwt = await send(route, { Authorization: `Bearer ${bob.token}` });
      expectErrorShape(byJwt, 404);
      const byKey = await send(route, { 'X-API-Key': bobKey });
      expectErrorShape(byKey, route.jwtOnly ? 403 : 404);
      if (!route.jwtOnly) expect(byKey.body).toEqual(byJwt.body);
      // The answer is the same as for an id that does not exist at all.
      expect(JSON.stringify(byJwt.body)).not.toMatch(/forbidden|not yours|another user|owner/i);
    });
  }

  it("changed none of Alice's rows", async () => {
    expect(await aliceState()).toBe(before);
    expect(
      await readFile(
        path.join(
          process.env.STORAGE_DIR!,
          'users',
          alice.user.id,
          'projects',
          projectId,
          'jobs',
          jobId,
          'out-1.mp4',
        ),
      ),
    ).toEqual(OUTPUT_BYTES);
  });
});

describe('the owner reaches the same ids', () => {
  for (const route of routes.filter((r) => r.owner)) {
    it(`${route.name}: ${route.owner} for Alice`, async () => {
      const res = await send(route, { Authorization: `Bearer ${alice.token}` });
      expect(res.status).toBe(route.owner);
    });
  }

  it('Alice downloads her output and sees its job', async () => {
    const auth = { Authorization: `Bearer ${alice.token}` };
    const dl = await request(sys.gw.server)
      .get(`/api/v1/outputs/${outputId}/download`)
      .set(auth)
      .buffer(true)
      .parse(binaryBody)
      .expect(200);
    expect(dl.body).toEqual(OUTPUT_BYTES);
    const job = await request(sys.gw.server).get(`/api/v1/jobs/${jobId}`).set(auth).expect(200);
    expect(job.body).toMatchObject({ id: jobId, status: 'COMPLETED', progress: 100 });
    const outs = await request(sys.gw.server)
      .get(`/api/v1/jobs/${jobId}/outputs`)
      .set(auth)
      .expect(200);
    expect(outs.body.map((o: { id: string }) => o.id)).toEqual([outputId]);
    const events = await request(sys.gw.server)
      .get(`/api/v1/jobs/${jobId}/events`)
      .set(auth)
      .expect(200);
    expect(events.headers['content-type']).toMatch(/text\/event-stream/);
    expect(events.text).toMatch(/event: status/);
    expect(events.text).toContain('"COMPLETED"');
  });
});

describe('body ids of another user', () => {
  it("moving one's own video into another user's group is the same 400 as an unknown group", async () => {
    const v = await sys.db.prisma.videoFile.create({
      data: {
        originalName: 'bob.mp4',
        filename: 'b.mp4',
        path: path.join(process.env.STORAGE_DIR!, 'bob.mp4'),
        size: BigInt(5),
        duration: 1,
        format: 'mp4',
        resolution: '320x180',
        projectId: bobProjectId,
      },
    });
    const move = (gid: string) =>
      request(sys.gw.server)
        .patch(`/api/v1/projects/${bobProjectId}/videos/${v.id}`)
        .set('Authorization', `Bearer ${bob.token}`)
        .send({ groupId: gid });
    const foreign = await move(groupId);
    const unknown = await move('no-such-group');
    expectErrorShape(foreign, 400);
    expect(foreign.body).toEqual(unknown.body);
    expect(foreign.body.details.map((d: { field: string }) => d.field)).toEqual(['groupId']);
    expect(
      (await sys.db.prisma.videoFile.findUniqueOrThrow({ where: { id: v.id } })).groupId,
    ).toBeNull();
  });

  it('an Idempotency-Key Alice used does not hand her job to Bob', async () => {
    const res = await request(sys.gw.server)
      .post(`/api/v1/projects/${projectId}/jobs`)
      .set('Authorization', `Bearer ${bob.token}`)
      .set('Idempotency-Key', 'alice-key-1')
      .send({});
    expectErrorShape(res, 404);
    expect(JSON.stringify(res.body)).not.toContain(jobId);
  });
});

describe('lists show only the caller’s own items', () => {
  const asBob = (p: string) =>
    request(sys.gw.server).get(`/api/v1${p}`).set('Authorization', `Bearer ${bob.token}`);

  it('GET /projects', async () => {
    const bobs = await asBob('/projects').expect(200);
    expect(bobs.body.total).toBe(1);
    expect(bobs.body.items.map((p: { id: string }) => p.id)).toEqual([bobProjectId]);
    for (const status of ['COMPLETED', 'PROCESSING']) {
      expect((await asBob(`/projects?status=${status}`).expect(200)).body).toMatchObject({
        total: 0,
        items: [],
      });
    }
    const alices = await request(sys.gw.server)
      .get('/api/v1/projects')
      .set('Authorization', `Bearer ${alice.token}`)
      .expect(200);
    expect(alices.body.items.map((p: { id: string }) => p.id).sort()).toEqual(
      [projectId, busyProjectId].sort(),
    );
  });

  it('GET /api-keys', async () => {
    const keys = await asBob('/api-keys').expect(200);
    expect(keys.body.map((k: { name: string }) => k.name)).toEqual(['bob']);
    expect(keys.body.map((k: { id: string }) => k.id)).not.toContain(apiKeyId);
  });

  it("the lists under Bob's own project hold only his items", async () => {
    const groups = await asBob(`/projects/${bobProjectId}/groups`).expect(200);
    expect(groups.body.map((g: { name: string }) => g.name)).toEqual(['Bob hooks']);
    const videos = await asBob(`/projects/${bobProjectId}/videos`).expect(200);
    expect(videos.body.items.map((v: { id: string }) => v.id)).not.toContain(videoId);
    const jobs = await asBob(`/projects/${bobProjectId}/jobs`).expect(200);
    expect(jobs.body).toMatchObject({ total: 0, items: [] });
  });

  it('GET /users/me is always the caller', async () => {
    expect((await asBob('/users/me').expect(200)).body.id).toBe(bob.user.id);
    expect(
      (await request(sys.gw.server).get('/api/v1/users/me').set('X-API-Key', bobKey).expect(200))
        .body.id,
    ).toBe(bob.user.id);
  });

  it('projectSettings stay untouched by the attempts above', async () => {
    const row = await sys.db.prisma.project.findUniqueOrThrow({ where: { id: projectId } });
    expect(row.name).toBe('alice project');
    expect(row.settings).toEqual(projectSettings());
  });
});
