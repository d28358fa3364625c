import { mkdir, writeFile, access } from 'node:fs/promises';
import path from 'node:path';
import request from 'supertest';
import { expectErrorShape, fieldsOf } from '../support/http';
import {
  createProject,
  projectSettings,
  registerUser,
  type RegisteredUser,
} from '../support/factories';
import { useSystem } from '../support/system';

const sys = useSystem();
let u: RegisteredUser;

beforeAll(async () => {
  u = await registerUser(sys.gw.server);
}, 30_000);

const auth = (who: RegisteredUser = u) => ({ Authorization: `Bearer ${who.token}` });
const api = (p: string) => `/api/v1${p}`;

const post = (body: unknown, who = u) =>
  request(sys.gw.server)
    .post(api('/projects'))
    .set(auth(who))
    .send(body as object);

/** A video row straight into the database (uploads are covered in videos.test.ts). */
async function insertVideo(projectId: string, groupId: string | null = null) {
  return sys.db.prisma.videoFile.create({
    data: {
      originalName: 'clip.mp4',
      filename: `${Math.random().toString(36).slice(2)}.mp4`,
      path: path.join(process.env.STORAGE_DIR!, 'nowhere.mp4'),
      size: BigInt(1234),
      duration: 2.5,
      format: 'mp4',
      resolution: '320x180',
      projectId,
      groupId,
    },
  });
}

async function insertJob(projectId: string, status: 'PENDING' | 'PROCESSING' | 'COMPLETED') {
  return sys.db.prisma.processingJob.create({
    data: {
      projectId,
      status,
      progress: status === 'COMPLETED' ? 100 : 10,
      startedAt: status === 'PENDING' ? null : new Date(),
      completedAt: status === 'COMPLETED' ? new Date() : null,
      outputCount: 1,
    },
  });
}

describe('POST /projects', () => {
  it('creates a DRAFT project; output_count mirrors settings.outputCount', async () => {
    const settings = projectSettings({
      outputCount: 7,
      aspectRatio: '9:16',
      metadata: { static: { campaign: 'bf', 'brand.name': 'acme' }, fields: ['jobId'] },
    });
    const res = await post({ name: '  Black Friday  ', description: 'hooks × ctas', settings });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: expect.any(String),
      name: 'Black Friday',
      description: 'hooks × ctas',
      status: 'DRAFT',
      outputCount: 7,
      settings,
    });
    expect(new Date(res.body.createdAt).toISOString()).toBe(res.body.createdAt);
    const row = await sys.db.prisma.project.findUniqueOrThrow({ where: { id: res.body.id } });
    expect(row.userId).toBe(u.user.id);
    expect(row.outputCount).toBe(7);
    expect(row.settings).toEqual(settings);
    expect(row.status).toBe('DRAFT');
  });

  it('creates the seed groups given in settings.groups, without keeping them in settings', async () => {
    const res = await post({
      name: 'seeded',
      settings: projectSettings({
        groups: [
          { name: 'CTAs', order: 2 },
          { name: 'Hooks', order: 0 },
        ],
      }),
    }).expect(201);
    expect(res.body.settings).not.toHaveProperty('groups');
    const groups = await sys.db.prisma.videoGroup.findMany({
      where: { projectId: res.body.id },
      orderBy: { order: 'asc' },
    });
    expect(groups.map((g) => [g.name, g.order])).toEqual([
      ['Hooks', 0],
      ['CTAs', 2],
    ]);
  });

  it('accepts the boundaries: outputCount 1 and MAX_OUTPUT_COUNT, 50 metadata keys', async () => {
    const max = Number(process.env.MAX_OUTPUT_COUNT ?? 500);
    await post({ name: 'one', settings: projectSettings({ outputCount: 1 }) }).expect(201);
    const big = await post({ name: 'max', settings: projectSettings({ outputCount: max }) });
    expect(big.status).toBe(201);
    expect(big.body.outputCount).toBe(max);
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, `v${i}`]));
    await post({
      name: 'meta',
      settings: projectSettings({ metadata: { static: fifty } }),
    }).expect(201);
  });

  describe('refuses bad input with 400 naming each offending field', () => {
    const max = () => Number(process.env.MAX_OUTPUT_COUNT ?? 500);
    const s = (over: Record<string, unknown>) => ({ name: 'p', settings: projectSettings(over) });
    const cases: [string, () => unknown, string[]][] = [
      ['mixingMode not AUTO/MANUAL', () => s({ mixingMode: 'RANDOM' }), ['settings.mixingMode']],
      ['outputFormat unknown', () => s({ outputFormat: 'MKV' }), ['settings.outputFormat']],
      ['outputFormat lower-case', () => s({ outputFormat: 'mp4' }), ['settings.outputFormat']],
      ['quality unknown', () => s({ quality: 'EXTREME' }), ['settings.quality']],
      ['outputCount 0', () => s({ outputCount: 0 }), ['settings.outputCount']],
      ['outputCount negative', () => s({ outputCount: -3 }), ['settings.outputCount']],
      ['outputCount above max', () => s({ outputCount: max() + 1 }), ['settings.outputCount']],
      ['outputCount far above', () => s({ outputCount: 10_001 }), ['settings.outputCount']],
      ['outputCount non-integer', () => s({ outputCount: 2.5 }), ['settings.outputCount']],
      ['outputCount a string', () => s({ outputCount: '4' }), ['settings.outputCount']],
      ['aspectRatio unknown', () => s({ aspectRatio: '21:9' }), ['settings.aspectRatio']],
      [
        'metadata.static number value',
        () => s({ metadata: { static: { a: 1 } } }),
        ['settings.metadata.static'],
      ],
      [
        'metadata.static null value',
        () => s({ metadata: { static: { a: null } } }),
        ['settings.metadata.static'],
      ],
      [
        'metadata.static object value',
        () => s({ metadata: { static: { a: { b: 'c' } } } }),
        ['settings.metadata.static'],
      ],
      [
        'metadata.static boolean value',
        () => s({ metadata: { static: { a: true } } }),
        ['settings.metadata.static'],
      ],
      [
        'metadata.static an array',
        () => s({ metadata: { static: ['a'] } }),
        ['settings.metadata.static'],
      ],
      [
        'metadata.static too many keys',
        () =>
          s({
            metadata: {
              static: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])),
            },
          }),
        ['settings.metadata.static'],
      ],
      [
        'metadata.static bad key',
        () => s({ metadata: { static: { 'has space': 'v' } } }),
        ['settings.metadata.static'],
      ],
      [
        'metadata.static value too long',
        () => s({ metadata: { static: { a: 'x'.repeat(1025) } } }),
        ['settings.metadata.static'],
      ],
      [
        'metadata.static control character',
        () => s({ metadata: { static: { a: 'bell\u0007' } } }),
        ['settings.metadata.static'],
      ],
      [
        'metadata.includeDynamic not boolean',
        () => s({ metadata: { includeDynamic: 'yes' } }),
        ['settings.metadata.includeDynamic'],
      ],
      [
        'metadata.fields unknown name',
        () => s({ metadata: { fields: ['password'] } }),
        ['settings.metadata.fields'],
      ],
      ['metadata not an object', () => s({ metadata: 'x' }), ['settings.metadata']],
      ['unknown top-level field', () => ({ ...s({}), owner: 'x' }), ['owner']],
      ['unknown settings field', () => s({ speed: 2 }), ['settings.speed']],
      [
        'unknown metadata field',
        () => s({ metadata: { static: {}, extra: 1 } }),
        ['settings.metadata.extra'],
      ],
      ['missing settings', () => ({ name: 'p' }), ['settings']],
      ['settings not an object', () => ({ name: 'p', settings: 'MANUAL' }), ['settings']],
      ['blank name', () => ({ ...s({}), name: '   ' }), ['name']],
      ['name too long', () => ({ ...s({}), name: 'n'.repeat(201) }), ['name']],
      ['description not a string', () => ({ ...s({}), description: 5 }), ['description']],
      [
        'two seed groups with one order',
        () =>
          s({
            groups: [
              { name: 'a', order: 1 },
              { name: 'b', order: 1 },
            ],
          }),
        ['settings.groups'],
      ],
      [
        'seed group with a negative order',
        () => s({ groups: [{ name: 'a', order: -1 }] }),
        ['settings.groups.0.order'],
      ],
      [
        'every required setting missing',
        () => ({ name: 'p', settings: {} }),
        [
          'settings.mixingMode',
          'settings.outputCount',
          'settings.outputFormat',
          'settings.quality',
        ],
      ],
    ];
    for (const [name, body, fields] of cases) {
      it(name, async () => {
        const before = await sys.db.prisma.project.count();
        const res = await post(body());
        expectErrorShape(res, 400);
        expect(fieldsOf(res)).toEqual(fields);
        for (const d of res.body.details) {
          expect(Array.isArray(d.problems)).toBe(true);
          expect(d.problems.length).toBeGreaterThan(0);
        }
        expect(await sys.db.prisma.project.count()).toBe(before);
      });
    }
  });

  it('answers 401 without credentials', async () => {
    expectErrorShape(
      await request(sys.gw.server)
        .post(api('/projects'))
        .send({ name: 'x', settings: projectSettings() }),
      401,
    );
  });
});

describe('GET /projects', () => {
  let owner: RegisteredUser;
  let ids: string[]; // oldest first
  beforeAll(async () => {
    owner = await registerUser(sys.gw.server);
    ids = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await createProject(sys.gw.server, owner.token, { name: `p${i}` })).id);
      await new Promise((r) => setTimeout(r, 3));
    }
    await sys.db.prisma.project.updateMany({
      where: { id: { in: [ids[1], ids[3]] } },
      data: { status: 'COMPLETED' },
    });
    await sys.db.prisma.project.update({ where: { id: ids[4] }, data: { status: 'FAILED' } });
  });

  const list = (query = '') =>
    request(sys.gw.server)
      .get(api(`/projects${query}`))
      .set(auth(owner));

  it('lists newest first with the default page', async () => {
    const res = await list().expect(200);
    expect(res.body).toMatchObject({ total: 5, page: 1, limit: 20 });
    expect(res.body.items.map((p: { id: string }) => p.id)).toEqual([...ids].reverse());
    expect(res.body.items[0]).toMatchObject({ name: 'p4', status: 'FAILED', outputCount: 4 });
  });

  it('pages with page and limit', async () => {
    const first = await list('?page=1&limit=2').expect(200);
    const second = await list('?page=2&limit=2').expect(200);
    const third = await list('?page=3&limit=2').expect(200);
    expect(first.body).toMatchObject({ total: 5, page: 1, limit: 2 });
    expect(second.body).toMatchObject({ total: 5, page: 2, limit: 2 });
    const pageIds = (r: request.Response) => r.body.items.map((p: { id: string }) => p.id);
    expect([...pageIds(first), ...pageIds(second), ...pageIds(third)]).toEqual([...ids].reverse());
    expect(pageIds(third)).toHaveLength(1);
    expect((await list('?page=9&limit=2').expect(200)).body).toMatchObject({
      items: [],
      total: 5,
      page: 9,
    });
  });

  it('lists each project as its own GET shows it (same fields, times and settings)', async () => {
    const res = await list().expect(200);
    for (const item of res.body.items) {
      const one = await request(sys.gw.server)
        .get(api(`/projects/${item.id}`))
        .set(auth(owner))
        .expect(200);
      const { groups: _groups, counts: _counts, ...fields } = one.body;
      expect(item).toEqual(fields);
    }
  });

  it('filters by status', async () => {
    const done = await list('?status=COMPLETED').expect(200);
    expect(done.body.total).toBe(2);
    expect(done.body.items.map((p: { id: string }) => p.id)).toEqual([ids[3], ids[1]]);
    const draft = await list('?status=DRAFT').expect(200);
    expect(draft.body.items.map((p: { id: string }) => p.id)).toEqual([ids[2], ids[0]]);
    expect((await list('?status=PROCESSING').expect(200)).body).toMatchObject({
      total: 0,
      items: [],
    });
  });

  it('refuses bad paging and status with 400', async () => {
    for (const [q, field] of [
      ['?limit=101', 'limit'],
      ['?limit=0', 'limit'],
      ['?page=0', 'page'],
      ['?page=abc', 'page'],
      ['?status=DONE', 'status'],
    ]) {
      const res = await list(q);
      expectErrorShape(res, 400);
      expect(fieldsOf(res)).toEqual([field]);
    }
    expect((await list('?limit=100').expect(200)).body.limit).toBe(100);
  });
});

describe('GET /projects/:id', () => {
  it('returns the project with its groups by order and its counts', async () => {
    const p = await createProject(sys.gw.server, u.token, {
      settings: projectSettings({
        groups: [
          { name: 'B', order: 5 },
          { name: 'A', order: 1 },
        ],
      }),
    });
    await request(sys.gw.server)
      .post(api(`/projects/${p.id}/groups`))
      .set(auth())
      .send({ name: 'C', order: 3 })
      .expect(201);
    const groups = await sys.db.prisma.videoGroup.findMany({ where: { projectId: p.id } });
    const a = groups.find((g) => g.name === 'A')!;
    await insertVideo(p.id, a.id);
    await insertVideo(p.id, a.id);
    await insertVideo(p.id, null);
    await insertJob(p.id, 'COMPLETED');

    const res = await request(sys.gw.server)
      .get(api(`/projects/${p.id}`))
      .set(auth())
      .expect(200);
    expect(res.body).toMatchObject({ id: p.id, name: 'Campaign', status: 'DRAFT' });
    expect(res.body.groups.map((g: { name: string; order: number }) => [g.name, g.order])).toEqual([
      ['A', 1],
      ['C', 3],
      ['B', 5],
    ]);
    expect(res.body.groups[0]).toEqual({
      id: a.id,
      name: 'A',
      order: 1,
      projectId: p.id,
      createdAt: a.createdAt.toISOString(),
    });
    expect(res.body.counts).toEqual({ videos: 3, groups: 3, jobs: 1 });
  });

  it('answers 404 for an unknown id', async () => {
    const res = await request(sys.gw.server).get(api('/projects/nope')).set(auth());
    expectErrorShape(res, 404);
  });
});

describe('PATCH /projects/:id', () => {
  it('changes name and description, keeping the settings', async () => {
    const p = await createProject(sys.gw.server, u.token, { description: 'old' });
    const res = await request(sys.gw.server)
      .patch(api(`/projects/${p.id}`))
      .set(auth())
      .send({ name: 'Renamed', description: 'new' })
      .expect(200);
    expect(res.body).toMatchObject({
      name: 'Renamed',
      description: 'new',
      outputCount: 4,
      settings: projectSettings(),
    });
    const row = await sys.db.prisma.project.findUniqueOrThrow({ where: { id: p.id } });
    expect([row.name, row.description]).toEqual(['Renamed', 'new']);
  });

  it('replaces the settings whole and mirrors outputCount in projects.output_count', async () => {
    const p = await createProject(sys.gw.server, u.token);
    const settings = { mixingMode: 'AUTO', outputFormat: 'MOV', quality: 'HIGH', outputCount: 12 };
    const res = await request(sys.gw.server)
      .patch(api(`/projects/${p.id}`))
      .set(auth())
      .send({ settings })
      .expect(200);
    expect(res.body.settings).toEqual(settings);
    expect(res.body.outputCount).toBe(12);
    const row = await sys.db.prisma.project.findUniqueOrThrow({ where: { id: p.id } });
    expect(row.outputCount).toBe(12);
    expect(row.settings).toEqual(settings); // the old metadata is gone
    expect(row.name).toBe('Campaign');
  });

  it('validates settings on update too, changing nothing', async () => {
    const p = await createProject(sys.gw.server, u.token);
    for (const [body, fields] of [
      [{ settings: projectSettings({ outputCount: 0 }) }, ['settings.outputCount']],
      [{ settings: projectSettings({ quality: 'BEST' }) }, ['settings.quality']],
      [{ settings: projectSettings({ groups: [{ name: 'x', order: 0 }] }) }, ['settings.groups']],
      [
        { settings: { outputCount: 3 } },
        ['settings.mixingMode', 'settings.outputFormat', 'settings.quality'],
      ],
      [{ name: '' }, ['name']],
      [{ status: 'COMPLETED' }, ['status']],
      [{ outputCount: 9 }, ['outputCount']],
    ] as [Record<string, unknown>, string[]][]) {
      const res = await request(sys.gw.server)
        .patch(api(`/projects/${p.id}`))
        .set(auth())
        .send(body);
      expectErrorShape(res, 400);
      expect(fieldsOf(res)).toEqual(fields);
    }
    const row = await sys.db.prisma.project.findUniqueOrThrow({ where: { id: p.id } });
    expect(row.outputCount).toBe(4);
    expect(row.settings).toEqual(projectSettings());
    expect(row.status).toBe('DRAFT');
  });

  it('answers 404 for an unknown id', async () => {
    expectErrorShape(
      await request(sys.gw.server).patch(api('/projects/nope')).set(auth()).send({ name: 'x' }),
      404,
    );
  });
});

describe('DELETE /projects/:id', () => {
  it('deletes the project with its groups, videos, jobs, outputs and files', async () => {
    const p = await createProject(sys.gw.server, u.token, {
      settings: projectSettings({ groups: [{ name: 'G', order: 0 }] }),
    });
    const group = await sys.db.prisma.videoGroup.findFirstOrThrow({ where: { projectId: p.id } });
    const video = await insertVideo(p.id, group.id);
    const job = await insertJob(p.id, 'COMPLETED');
    const projectDir = path.join(process.env.STORAGE_DIR!, 'users', u.user.id, 'projects', p.id);
    const outPath = path.join(projectDir, 'jobs', job.id, 'out.mp4');
    await mkdir(path.dirname(outPath), { recursive: true });
    await writeFile(outPath, 'not really a video');
    const output = await sys.db.prisma.outputFile.create({
      data: {
        jobId: job.id,
        filename: 'out.mp4',
        path: outPath,
        size: BigInt(18),
        duration: 1,
        metadata: {},
        sourceFiles: [video.id],
      },
    });

    const res = await request(sys.gw.server)
      .delete(api(`/projects/${p.id}`))
      .set(auth())
      .expect(204);
    expect(res.text).toBe('');
    expect(await sys.db.prisma.project.count({ where: { id: p.id } })).toBe(0);
    expect(await sys.db.prisma.videoGroup.count({ where: { id: group.id } })).toBe(0);
    expect(await sys.db.prisma.videoFile.count({ where: { id: video.id } })).toBe(0);
    expect(await sys.db.prisma.processingJob.count({ where: { id: job.id } })).toBe(0);
    expect(await sys.db.prisma.outputFile.count({ where: { id: output.id } })).toBe(0);
    await expect(access(projectDir)).rejects.toThrow();

    expectErrorShape(
      await request(sys.gw.server)
        .get(api(`/projects/${p.id}`))
        .set(auth()),
      404,
    );
    expectErrorShape(
      await request(sys.gw.server)
        .delete(api(`/projects/${p.id}`))
        .set(auth()),
      404,
    );
  });
});

describe('while a job is active', () => {
  for (const status of ['PROCESSING', 'PENDING'] as const) {
    it(`refuses update and delete with 409 while a job is ${status}`, async () => {
      const p = await createProject(sys.gw.server, u.token);
      const job = await insertJob(p.id, status);
      if (status === 'PROCESSING')
        await sys.db.prisma.project.update({ where: { id: p.id }, data: { status: 'PROCESSING' } });

      const patch = await request(sys.gw.server)
        .patch(api(`/projects/${p.id}`))
        .set(auth())
        .send({ name: 'changed', settings: projectSettings({ outputCount: 9 }) });
      expectErrorShape(patch, 409);
      const del = await request(sys.gw.server)
        .delete(api(`/projects/${p.id}`))
        .set(auth());
      expectErrorShape(del, 409);

      const row = await sys.db.prisma.project.findUniqueOrThrow({ where: { id: p.id } });
      expect(row.name).toBe('Campaign');
      expect(row.outputCount).toBe(4);
      expect(await sys.db.prisma.processingJob.count({ where: { id: job.id } })).toBe(1);

      // Once the job is over, both are allowed again.
      await sys.db.prisma.processingJob.update({
        where: { id: job.id },
        data: { status: 'COMPLETED', progress: 100, completedAt: new Date() },
      });
      await sys.db.prisma.project.update({ where: { id: p.id }, data: { status: 'COMPLETED' } });
      await request(sys.gw.server)
        .patch(api(`/projects/${p.id}`))
        .set(auth())
        .send({ name: 'changed' })
        .expect(200);
      await request(sys.gw.server)
        .delete(api(`/projects/${p.id}`))
        .set(auth())
        .expect(204);
    });
  }
});
