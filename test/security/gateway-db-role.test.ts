import { randomBytes } from 'node:crypto';
import type { Client } from 'pg';
import { createTestDatabase, withPg, type TestDatabase } from '../support/database';
import { projectSettings } from '../support/factories';

jest.setTimeout(60_000);

let db: TestDatabase;
let alice: string;
let bob: string;

async function userWithData(name: string): Promise<string> {
  const user = await db.prisma.user.create({
    data: {
      email: `${name}-${randomBytes(4).toString('hex')}@example.com`,
      password: 'x',
      firstName: name,
      lastName: 'Test',
    },
  });
  await db.prisma.project.create({
    data: { name: `${name}'s`, userId: user.id, settings: projectSettings() },
  });
  await db.prisma.creditTransaction.create({
    data: { userId: user.id, amount: 10, type: 'PURCHASE', description: 'funds' },
  });
  return user.id;
}

/** The users whose rows a query on `table` returns. */
async function owners(c: Client, table: string): Promise<string[]> {
  const { rows } = await c.query<{ user_id: string }>(
    `SELECT DISTINCT "user_id" FROM "${table}" ORDER BY 1`,
  );
  return rows.map((r) => r.user_id);
}

const SETTINGS_TO_TRY = [
  "SELECT set_config('app.service', 'billing', false)",
  "SELECT set_config('app.service', 'gateway-admin', false)",
  "SELECT set_config('app.service', 'media-worker', false)",
  "SELECT set_config('app.is_service', 'true', false)",
];

beforeAll(async () => {
  db = await createTestDatabase();
  alice = await userWithData('alice');
  bob = await userWithData('bob');
});
afterAll(async () => {
  await db?.drop();
});

describe("the gateway's database role", () => {
  it("sees only the request's user's rows, whatever else it sets", async () => {
    await withPg(db.gatewayUrl, async (c) => {
      await c.query("SELECT set_config('app.current_user_id', $1, false)", [alice]);
      for (const setting of SETTINGS_TO_TRY) {
        await c.query(setting);
        for (const table of ['projects', 'credit_transactions']) {
          expect(await owners(c, table)).toEqual([alice]);
        }
      }
    });
  });

  it('turning row security off makes its queries fail, never widen', async () => {
    await withPg(db.gatewayUrl, async (c) => {
      await c.query("SELECT set_config('app.current_user_id', $1, false)", [alice]);
      await c.query("SELECT set_config('row_security', 'off', false)");
      await expect(owners(c, 'projects')).rejects.toThrow(/row-level security/);
    });
  });

  it('sees no tenant rows at all with no user set, even as a "service"', async () => {
    await withPg(db.gatewayUrl, async (c) => {
      await c.query("SELECT set_config('app.service', 'billing', false)");
      expect(await owners(c, 'projects')).toEqual([]);
      expect(await owners(c, 'credit_transactions')).toEqual([]);
    });
  });

  it('cannot become another role', async () => {
    await withPg(db.gatewayUrl, async (c) => {
      await expect(c.query('SET ROLE vmp_app')).rejects.toThrow(/permission denied/);
      await expect(c.query('SET ROLE postgres')).rejects.toThrow(/permission denied/);
    });
  });

  it('reads cross-tenant counts only through its narrow functions, and user counts only as an ADMIN', async () => {
    await withPg(db.gatewayUrl, async (c) => {
      await c.query("SELECT set_config('app.current_user_id', $1, false)", [alice]);
      const jobs = await c.query('SELECT * FROM gateway_jobs_by_status()');
      expect(jobs.rows).toEqual([]);
      expect((await c.query('SELECT * FROM admin_user_counts($1)', [bob])).rows).toEqual([]);
      await db.prisma.user.update({ where: { id: alice }, data: { role: 'ADMIN' } });
      const counts = await c.query('SELECT * FROM admin_user_counts($1)', [bob]);
      expect(counts.rows).toEqual([{ projects: '1', api_keys: '0', transactions: '1' }]);
    });
  });

  it('while a service role (billing, workers) still does service-level work by naming itself', async () => {
    await withPg(db.appUrl, async (c) => {
      await c.query("SELECT set_config('app.service', 'billing', false)");
      expect(await owners(c, 'projects')).toEqual([alice, bob].sort());
    });
  });
});
