import { randomBytes } from 'node:crypto';
import { ConfigService } from '@nestjs/config';
import { PrismaService, tenantScope, TENANT_TABLES } from '@app/database';
import { createTestDatabase, withPg, type TestDatabase } from '../support/database';
import { APP_ROLE } from '../support/global-setup';

let db: TestDatabase;
let app: PrismaService;
const users: { id: string; projectId: string }[] = [];

/** One tenant's rows in every tenant table, written by the owner (which RLS does not limit). */
async function tenant(): Promise<{ id: string; projectId: string }> {
  const p = db.prisma;
  const user = await p.user.create({
    data: {
      email: `rls-${randomBytes(4).toString('hex')}@example.com`,
      password: 'x',
      firstName: 'R',
      lastName: 'LS',
    },
  });
  const project = await p.project.create({ data: { name: 'P', userId: user.id, settings: {} } });
  const group = await p.videoGroup.create({ data: { name: 'G', order: 0, projectId: project.id } });
  await p.videoFile.create({
    data: {
      originalName: 'a.mp4',
      filename: 'a.mp4',
      path: 'file:///x/a.mp4',
      size: 1n,
      duration: 1,
      format: 'mp4',
      resolution: '2x2',
      projectId: project.id,
      groupId: group.id,
    },
  });
  await p.projectAsset.create({
    data: {
      projectId: project.id,
      kind: 'image',
      originalName: 'logo.png',
      path: 'file:///x/logo.png',
      size: 1n,
      format: 'png',
      resolution: '2x2',
    },
  });
  const job = await p.processingJob.create({
    data: { projectId: project.id, status: 'COMPLETED' },
  });
  await p.outputFile.create({
    data: {
      jobId: job.id,
      filename: 'o.mp4',
      path: 'file:///x/o.mp4',
      size: 1,
      duration: 1,
      metadata: {},
      sourceFiles: [],
    },
  });
  await p.creditTransaction.create({
    data: { userId: user.id, amount: 10, type: 'PURCHASE', description: 'test' },
  });
  return { id: user.id, projectId: project.id };
}

/** Rows of each tenant table that `sql`'s session sees, as the application role. */
async function counts(settings: { userId?: string; service?: string }) {
  return withPg(db.appUrl, async (c) => {
    await c.query(
      "SELECT set_config('app.current_user_id', $1, false), set_config('app.service', $2, false)",
      [settings.userId ?? '', settings.service ?? ''],
    );
    const out: Record<string, number> = {};
    for (const t of TENANT_TABLES)
      out[t] = (await c.query(`SELECT count(*)::int AS n FROM "${t}"`)).rows[0].n;
    return out;
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
  users.push(await tenant(), await tenant());
  const config = new ConfigService({
    DATABASE_URL: db.appUrl,
    DATABASE_POOL_MAX: 2,
    DATABASE_CONNECT_TIMEOUT_MS: 5000,
    DATABASE_IDLE_TIMEOUT_MS: 1000,
    DATABASE_STATEMENT_TIMEOUT_MS: 5000,
  });
  app = new PrismaService(config);
});
afterAll(async () => {
  await app?.onApplicationShutdown();
  await db?.drop();
});

const one = Object.fromEntries(TENANT_TABLES.map((t) => [t, 1]));
const none = Object.fromEntries(TENANT_TABLES.map((t) => [t, 0]));
const both = Object.fromEntries(TENANT_TABLES.map((t) => [t, 2]));

describe('row level security, in the database', () => {
  it('shows the application role no tenant rows at all without a user scope', async () => {
    expect(await counts({})).toEqual(none);
  });

  it('shows a user scope exactly its own rows in every tenant table', async () => {
    expect(await counts({ userId: users[0].id })).toEqual(one);
    expect(await counts({ userId: users[1].id })).toEqual(one);
    expect(await counts({ userId: 'no-such-user' })).toEqual(none);
  });

  it('shows the explicit service path every row', async () => {
    expect(await counts({ service: 'billing' })).toEqual(both);
  });

  it('refuses a write into another tenant', async () => {
    await withPg(db.appUrl, async (c) => {
      await c.query("SELECT set_config('app.current_user_id', $1, false)", [users[0].id]);
      await expect(
        c.query(
          `INSERT INTO projects (id, name, user_id, updated_at) VALUES ('x1', 'X', $1, now())`,
          [users[1].id],
        ),
      ).rejects.toThrow(/row-level security/);
      const moved = await c.query(`UPDATE projects SET name = 'taken' WHERE user_id = $1`, [
        users[1].id,
      ]);
      expect(moved.rowCount).toBe(0);
      const deleted = await c.query(`DELETE FROM credit_transactions WHERE user_id = $1`, [
        users[1].id,
      ]);
      expect(deleted.rowCount).toBe(0);
    });
    expect(await counts({ service: 'check' })).toEqual(both);
  });

  it('gives the application role no way around it', async () => {
    await withPg(db.appUrl, async (c) => {
      const role = await c.query(
        'SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user',
      );
      expect(role.rows[0]).toEqual({
        rolsuper: false,
        rolbypassrls: false,
        rolcreaterole: false,
        rolcreatedb: false,
      });
      const owned = await c.query(
        `SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user`,
      );
      expect(owned.rows[0].n).toBe(0);
      // Turning row security off is an error for a role it applies to, not a bypass.
      await c.query('SET row_security = off');
      await expect(c.query('SELECT count(*) FROM projects')).rejects.toThrow(/row-level security/);
      await c.query('RESET row_security');
      await expect(c.query('ALTER TABLE projects DISABLE ROW LEVEL SECURITY')).rejects.toThrow(
        /must be owner/,
      );
      await expect(c.query('SELECT count(*) FROM _prisma_migrations')).rejects.toThrow(
        /permission denied/,
      );
    });
    const forced = await withPg(db.url, (c) =>
      c.query<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>(
        `SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class
          WHERE relname = ANY($1) ORDER BY relname`,
        [[...TENANT_TABLES]],
      ),
    );
    expect(forced.rows).toHaveLength(TENANT_TABLES.length);
    for (const r of forced.rows)
      expect([r.relname, r.relrowsecurity, r.relforcerowsecurity]).toEqual([r.relname, true, true]);
    expect(APP_ROLE).toBe(new URL(db.appUrl).username);
  });
});

describe('row level security, through libs/database', () => {
  it('a query without a scope sees no tenant rows', async () => {
    expect(await app.project.count()).toBe(0);
    expect(await app.creditTransaction.findMany()).toEqual([]);
  });

  it('a user scope sees that user only, asService sees all', async () => {
    // Awaited inside: a Prisma query starts when awaited, and must start in the scope.
    const asFirst = <T>(fn: () => Promise<T>) =>
      tenantScope.asUser(users[0].id, async () => await fn());
    const mine = await asFirst(() => app.project.findMany());
    expect(mine.map((p) => p.id)).toEqual([users[0].projectId]);
    // Even a query naming the other tenant's row finds nothing.
    expect(
      await asFirst(() => app.project.findUnique({ where: { id: users[1].projectId } })),
    ).toBeNull();
    expect(await app.asService('test', () => app.project.count())).toBe(2);
  });

  it('keeps each concurrent context in its own scope, in transactions too', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => {
        const user = users[i % 2];
        return tenantScope.asUser(user.id, () =>
          app.$transaction(async (tx) => {
            const projects = await tx.project.findMany({ select: { id: true } });
            const credits = await tx.creditTransaction.count();
            return { user, projects: projects.map((p) => p.id), credits };
          }),
        );
      }),
    );
    for (const r of results) {
      expect(r.projects).toEqual([r.user.projectId]);
      expect(r.credits).toBe(1);
    }
  });

  it("runs prepared reads in the caller's scope, on connections other scopes used before", async () => {
    // No user filter in the statement: only row level security tells the tenants apart.
    const statement = { name: 'test.project_ids', text: 'SELECT id FROM projects ORDER BY id' };
    const ids = async () => (await app.prepared<{ id: string }>(statement, [])).map((r) => r.id);
    expect(await ids()).toEqual([]);
    // 12 reads over a pool of 2 connections: each connection changes hands between tenants.
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => {
        const user = users[i % 2];
        return tenantScope.asUser(user.id, async () => ({ user, ids: await ids() }));
      }),
    );
    for (const r of results) expect(r.ids).toEqual([r.user.projectId]);
    expect(await app.asService('test', ids)).toHaveLength(2);
    expect(await ids()).toEqual([]);
  });

  it('sets another scope and runs a prepared read in one round trip, with quoted values', async () => {
    // Every query sent on the pool's connections, counted from here on.
    let sent = 0;
    const counted = new WeakSet<object>();
    const count = (client: { query: (...a: unknown[]) => unknown }) => {
      if (counted.has(client)) return;
      counted.add(client);
      const query = client.query.bind(client);
      client.query = (...a: unknown[]) => {
        sent++;
        return query(...a);
      };
    };
    app.pool.on('acquire', count);
    const statement = {
      name: 'test.projects_but',
      text: 'SELECT id, $1::text AS echo FROM projects WHERE id <> $1 ORDER BY id',
    };
    const tricky = `it's a \\ "quote" --; SELECT 1`;
    const read = (userId: string) =>
      tenantScope.asUser(userId, () =>
        app.prepared<{ id: string; echo: string }>(statement, [tricky]),
      );
    try {
      // Prepares the statement on both connections (two steps where the scope differs).
      await Promise.all([read(users[0].id), read(users[1].id), read(users[0].id)]);
      await Promise.all([read(users[1].id), read(users[0].id)]);
      sent = 0;
      for (let i = 0; i < 8; i++) {
        const user = users[i % 2];
        const rows = await read(user.id);
        expect(rows).toEqual([{ id: user.projectId, echo: tricky }]);
      }
      // One connection in turn, the other tenant each time: one message per read.
      expect(sent).toBe(8);
    } finally {
      app.pool.off('acquire', count);
    }
  });

  it('a service connection cannot alter the append-only audit log', async () => {
    await withPg(db.appUrl, async (c) => {
      await c.query(`INSERT INTO audit_logs (id, action) VALUES ('a1', 'test.append')`);
      await expect(c.query(`UPDATE audit_logs SET action = 'x'`)).rejects.toThrow(
        /permission denied/,
      );
      await expect(c.query(`DELETE FROM audit_logs`)).rejects.toThrow(/permission denied/);
    });
  });
});
