import path from 'node:path';
import request from 'supertest';
import { expectErrorShape, fieldsOf } from '../support/http';
import { createProject, registerUser, type RegisteredUser } from '../support/factories';
import { useSystem } from '../support/system';

const sys = useSystem();
let u: RegisteredUser;

beforeAll(async () => {
  u = await registerUser(sys.gw.server);
}, 30_000);

const auth = () => ({ Authorization: `Bearer ${u.token}` });
const groupsUrl = (projectId: string) => `/api/v1/projects/${projectId}/groups`;

interface Group {
  id: string;
  name: string;
  order: number;
  projectId: string;
  createdAt: string;
}

async function addGroup(projectId: string, name: string, order: number): Promise<Group> {
  const res = await request(sys.gw.server)
    .post(groupsUrl(projectId))
    .set(auth())
    .send({ name, order });
  if (res.status !== 201) throw new Error(`add group: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

const dbOrders = async (projectId: string) =>
  (
    await sys.db.prisma.videoGroup.findMany({ where: { projectId }, orderBy: { order: 'asc' } })
  ).map((g) => [g.name, g.order]);

const newProject = async () => (await createProject(sys.gw.server, u.token)).id;

describe('POST /projects/:id/groups', () => {
  it('creates a group with a trimmed name', async () => {
    const projectId = await newProject();
    const res = await request(sys.gw.server)
      .post(groupsUrl(projectId))
      .set(auth())
      .send({ name: '  Hooks ', order: 0 })
      .expect(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      name: 'Hooks',
      order: 0,
      projectId,
      createdAt: expect.any(String),
    });
    const row = await sys.db.prisma.videoGroup.findUniqueOrThrow({ where: { id: res.body.id } });
    expect([row.name, row.order, row.projectId]).toEqual(['Hooks', 0, projectId]);
  });

  it('refuses an order already taken in the project with 409', async () => {
    const projectId = await newProject();
    await addGroup(projectId, 'first', 3);
    const res = await request(sys.gw.server)
      .post(groupsUrl(projectId))
      .set(auth())
      .send({ name: 'second', order: 3 });
    expectErrorShape(res, 409);
    expect(await dbOrders(projectId)).toEqual([['first', 3]]);
    // The same order in another project is fine.
    await addGroup(await newProject(), 'elsewhere', 3);
  });

  it('refuses bad bodies with 400 naming the field', async () => {
    const projectId = await newProject();
    const cases: [Record<string, unknown>, string[]][] = [
      [{ order: 0 }, ['name']],
      [{ name: '  ', order: 0 }, ['name']],
      [{ name: 'x'.repeat(101), order: 0 }, ['name']],
      [{ name: 'x' }, ['order']],
      [{ name: 'x', order: -1 }, ['order']],
      [{ name: 'x', order: 1.5 }, ['order']],
      [{ name: 'x', order: '1' }, ['order']],
      [{ name: 'x', order: 10_001 }, ['order']],
      [{ name: 'x', order: 1, color: 'red' }, ['color']],
      [{}, ['name', 'order']],
    ];
    for (const [body, fields] of cases) {
      const res = await request(sys.gw.server).post(groupsUrl(projectId)).set(auth()).send(body);
      expectErrorShape(res, 400);
      expect(fieldsOf(res)).toEqual(fields);
    }
    expect(await sys.db.prisma.videoGroup.count({ where: { projectId } })).toBe(0);
  });

  it('answers 404 for an unknown project and 401 without credentials', async () => {
    expectErrorShape(
      await request(sys.gw.server)
        .post(groupsUrl('nope'))
        .set(auth())
        .send({ name: 'x', order: 0 }),
      404,
    );
    const projectId = await newProject();
    expectErrorShape(
      await request(sys.gw.server).post(groupsUrl(projectId)).send({ name: 'x', order: 0 }),
      401,
    );
  });
});

describe('GET /projects/:id/groups', () => {
  it('lists the groups by order, only those of the project', async () => {
    const projectId = await newProject();
    const c = await addGroup(projectId, 'C', 20);
    const a = await addGroup(projectId, 'A', 0);
    const b = await addGroup(projectId, 'B', 7);
    await addGroup(await newProject(), 'other project', 1);
    const res = await request(sys.gw.server).get(groupsUrl(projectId)).set(auth()).expect(200);
    expect(res.body).toEqual([a, b, c]);
  });

  it('answers 404 for an unknown project', async () => {
    expectErrorShape(await request(sys.gw.server).get(groupsUrl('nope')).set(auth()), 404);
  });
});

describe('PATCH /projects/:id/groups/:groupId', () => {
  it('renames a group and changes its order', async () => {
    const projectId = await newProject();
    const g = await addGroup(projectId, 'old', 1);
    const renamed = await request(sys.gw.server)
      .patch(`${groupsUrl(projectId)}/${g.id}`)
      .set(auth())
      .send({ name: 'new' })
      .expect(200);
    expect(renamed.body).toEqual({ ...g, name: 'new' });
    const moved = await request(sys.gw.server)
      .patch(`${groupsUrl(projectId)}/${g.id}`)
      .set(auth())
      .send({ order: 4 })
      .expect(200);
    expect(moved.body).toEqual({ ...g, name: 'new', order: 4 });
    expect(await dbOrders(projectId)).toEqual([['new', 4]]);
  });

  it('refuses an order taken by another group with 409, changing nothing', async () => {
    const projectId = await newProject();
    const a = await addGroup(projectId, 'a', 0);
    await addGroup(projectId, 'b', 1);
    const res = await request(sys.gw.server)
      .patch(`${groupsUrl(projectId)}/${a.id}`)
      .set(auth())
      .send({ name: 'renamed', order: 1 });
    expectErrorShape(res, 409);
    expect(await dbOrders(projectId)).toEqual([
      ['a', 0],
      ['b', 1],
    ]);
    // Its own order again is no clash.
    await request(sys.gw.server)
      .patch(`${groupsUrl(projectId)}/${a.id}`)
      .set(auth())
      .send({ order: 0 })
      .expect(200);
  });

  it('refuses bad bodies with 400', async () => {
    const projectId = await newProject();
    const g = await addGroup(projectId, 'g', 0);
    for (const [body, fields] of [
      [{ name: '' }, ['name']],
      [{ order: -2 }, ['order']],
      [{ projectId: 'x' }, ['projectId']],
    ] as [Record<string, unknown>, string[]][]) {
      const res = await request(sys.gw.server)
        .patch(`${groupsUrl(projectId)}/${g.id}`)
        .set(auth())
        .send(body);
      expectErrorShape(res, 400);
      expect(fieldsOf(res)).toEqual(fields);
    }
  });

  it('answers 404 for an unknown group or a group of another project', async () => {
    const p1 = await newProject();
    const p2 = await newProject();
    const g2 = await addGroup(p2, 'in p2', 0);
    expectErrorShape(
      await request(sys.gw.server)
        .patch(`${groupsUrl(p1)}/nope`)
        .set(auth())
        .send({ name: 'x' }),
      404,
    );
    expectErrorShape(
      await request(sys.gw.server)
        .patch(`${groupsUrl(p1)}/${g2.id}`)
        .set(auth())
        .send({ name: 'x' }),
      404,
    );
    expect((await sys.db.prisma.videoGroup.findUniqueOrThrow({ where: { id: g2.id } })).name).toBe(
      'in p2',
    );
  });
});

describe('PUT /projects/:id/groups/order (reorder)', () => {
  const reorder = (projectId: string, groups: unknown) =>
    request(sys.gw.server)
      .put(`${groupsUrl(projectId)}/order`)
      .set(auth())
      .send({ groups });

  it('applies several orders together, swaps included, and returns the groups by order', async () => {
    const projectId = await newProject();
    const a = await addGroup(projectId, 'a', 0);
    const b = await addGroup(projectId, 'b', 1);
    const c = await addGroup(projectId, 'c', 2);
    const res = await reorder(projectId, [
      { id: a.id, order: 2 },
      { id: c.id, order: 0 },
    ]).expect(200);
    expect(res.body.map((g: Group) => [g.id, g.order])).toEqual([
      [c.id, 0],
      [b.id, 1],
      [a.id, 2],
    ]);
    expect(await dbOrders(projectId)).toEqual([
      ['c', 0],
      ['b', 1],
      ['a', 2],
    ]);
  });

  it('refuses an order clash with 409 and changes nothing', async () => {
    const projectId = await newProject();
    const a = await addGroup(projectId, 'a', 0);
    const b = await addGroup(projectId, 'b', 1);
    await addGroup(projectId, 'c', 2);
    // b takes 2 (c's, which is not moved) while a moves to 5: the whole request is undone.
    const clash = await reorder(projectId, [
      { id: a.id, order: 5 },
      { id: b.id, order: 2 },
    ]);
    expectErrorShape(clash, 409);
    // Two groups given the same order.
    const same = await reorder(projectId, [
      { id: a.id, order: 9 },
      { id: b.id, order: 9 },
    ]);
    expectErrorShape(same, 409);
    // One group listed twice.
    const twice = await reorder(projectId, [
      { id: a.id, order: 7 },
      { id: a.id, order: 8 },
    ]);
    expectErrorShape(twice, 409);
    expect(await dbOrders(projectId)).toEqual([
      ['a', 0],
      ['b', 1],
      ['c', 2],
    ]);
  });

  it('keeps answering after more clashes than the database pool has connections', async () => {
    // A clash detected only at COMMIT used to leak the pooled connection; once the pool was
    // used up every request hung.
    const projectId = await newProject();
    const a = await addGroup(projectId, 'a', 0);
    const b = await addGroup(projectId, 'b', 1);
    const pool = Number(process.env.DATABASE_POOL_MAX ?? 10);
    for (let i = 0; i < pool + 2; i++) {
      const res = await reorder(projectId, [{ id: a.id, order: 1 }]).timeout(3000);
      expectErrorShape(res, 409);
    }
    const ok = await reorder(projectId, [
      { id: a.id, order: 1 },
      { id: b.id, order: 0 },
    ]).timeout(3000);
    expect(ok.status).toBe(200);
    expect(await dbOrders(projectId)).toEqual([
      ['b', 0],
      ['a', 1],
    ]);
  }, 20_000);

  it('answers 404 for a group of another project, changing nothing', async () => {
    const p1 = await newProject();
    const p2 = await newProject();
    const a = await addGroup(p1, 'a', 0);
    const foreign = await addGroup(p2, 'x', 0);
    const res = await reorder(p1, [
      { id: a.id, order: 3 },
      { id: foreign.id, order: 4 },
    ]);
    expectErrorShape(res, 404);
    expect(await dbOrders(p1)).toEqual([['a', 0]]);
    expect(await dbOrders(p2)).toEqual([['x', 0]]);
    expectErrorShape(await reorder('nope', [{ id: a.id, order: 1 }]), 404);
  });

  it('refuses bad bodies with 400', async () => {
    const projectId = await newProject();
    const a = await addGroup(projectId, 'a', 0);
    for (const [groups, field] of [
      [[], 'groups'],
      ['a', 'groups'],
      [[{ id: a.id, order: -1 }], 'groups.0.order'],
      [[{ order: 1 }], 'groups.0.id'],
    ] as [unknown, string][]) {
      const res = await reorder(projectId, groups);
      expectErrorShape(res, 400);
      expect(fieldsOf(res)).toEqual([field]);
    }
  });
});

describe('DELETE /projects/:id/groups/:groupId', () => {
  it('deletes the group; its videos stay in the project, ungrouped', async () => {
    const projectId = await newProject();
    const doomed = await addGroup(projectId, 'doomed', 0);
    const kept = await addGroup(projectId, 'kept', 1);
    const video = (groupId: string) =>
      sys.db.prisma.videoFile.create({
        data: {
          originalName: 'clip.mp4',
          filename: `${Math.random().toString(36).slice(2)}.mp4`,
          path: path.join(process.env.STORAGE_DIR!, 'nowhere.mp4'),
          size: BigInt(100),
          duration: 1.5,
          format: 'mp4',
          resolution: '320x180',
          projectId,
          groupId,
        },
      });
    const v1 = await video(doomed.id);
    const v2 = await video(doomed.id);
    const v3 = await video(kept.id);

    const res = await request(sys.gw.server)
      .delete(`${groupsUrl(projectId)}/${doomed.id}`)
      .set(auth())
      .expect(204);
    expect(res.text).toBe('');
    expect(await sys.db.prisma.videoGroup.count({ where: { id: doomed.id } })).toBe(0);
    const rows = await sys.db.prisma.videoFile.findMany({ where: { projectId } });
    const groupOf = Object.fromEntries(rows.map((r) => [r.id, r.groupId]));
    expect(groupOf).toEqual({ [v1.id]: null, [v2.id]: null, [v3.id]: kept.id });

    const list = await request(sys.gw.server).get(groupsUrl(projectId)).set(auth()).expect(200);
    expect(list.body.map((g: Group) => g.id)).toEqual([kept.id]);
    const ungrouped = await request(sys.gw.server)
      .get(`/api/v1/projects/${projectId}/videos?groupId=none`)
      .set(auth())
      .expect(200);
    expect(ungrouped.body.items.map((v: { id: string }) => v.id).sort()).toEqual(
      [v1.id, v2.id].sort(),
    );

    // The freed order can be used again; deleting twice is a 404.
    await addGroup(projectId, 'reuse', 0);
    expectErrorShape(
      await request(sys.gw.server)
        .delete(`${groupsUrl(projectId)}/${doomed.id}`)
        .set(auth()),
      404,
    );
  });

  it('answers 404 for a group of another project', async () => {
    const p1 = await newProject();
    const g2 = await addGroup(await newProject(), 'g', 0);
    expectErrorShape(
      await request(sys.gw.server)
        .delete(`${groupsUrl(p1)}/${g2.id}`)
        .set(auth()),
      404,
    );
    expect(await sys.db.prisma.videoGroup.count({ where: { id: g2.id } })).toBe(1);
  });
});
