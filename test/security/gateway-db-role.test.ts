import { randomBytes } from 'node:crypto';
import type { Client } from 'pg';
import { createTestDatabase, withPg, type TestDatabase } from '../support/database';
import { projectSettings } from '../support/factories';

jest.setTimeout(60_000);

let db: TestDatabase;
let alice: Owned;
let bob: Owned;

interface Owned {
  id: string;
  email: string;
  keyHash: string;
}

async function userWithData(name: string): Promise<Owned> {
  const user = await db.prisma.user.create({
    data: {
      email: `${name}-${randomBytes(4).toString('hex')}@example.com`,
      password: `$2a$04$hash-of-${name}`,
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
  const keyHash = randomBytes(32).toString('hex');
  await db.prisma.apiKey.create({
    data: { userId: user.id, name: 'k', prefix: randomBytes(6).toString('hex'), keyHash },
  });
  return { id: user.id, email: user.email, keyHash };
}

/** The users whose rows a query on `table` returns. */
async function owners(c: Client, table: string): Promise<string[]> {
  const column = table === 'users' ? 'id' : 'user_id';
  const { rows } = await c.query<{ owner: string }>(
    `SELECT DISTINCT "${column}" AS owner FROM "${table}" ORDER BY 1`,
  );
  return rows.map((r) => r.owner);
}

const asUser = (c: Client, id: string) =>
  c.query("SELECT set_config('app.current_user_id', $1, false)", [id]);

const SETTINGS_TO_TRY = [
  "SELECT set_config('app.service', 'billing', false)",
  "SELECT set_config('app.service', 'gateway-admin', false)",
  "SELECT set_config('app.service', 'media-worker', false)",
  "SELECT set_config('app.is_service', 'true', false)",
  'SET ROLE NONE',
  'RESET ROLE',
];

/** The gateway's own tables with a user's rows: projects, its keys and its own row. */
const USER_TABLES = ['projects', 'api_keys', 'users'];

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
      await asUser(c, alice.id);
      for (const setting of SETTINGS_TO_TRY) {
        await c.query(setting);
        for (const table of USER_TABLES)
          expect([setting, await owners(c, table)]).toEqual([setting, [alice.id]]);
        // Even a query naming the other user's rows.
        const named = await c.query('SELECT id FROM users WHERE email = $1', [bob.email]);
        expect(named.rows).toEqual([]);
        const key = await c.query('SELECT id FROM api_keys WHERE key_hash = $1', [bob.keyHash]);
        expect(key.rows).toEqual([]);
      }
    });
  });

  it('turning row security off makes its queries fail, never widen', async () => {
    await withPg(db.gatewayUrl, async (c) => {
      await asUser(c, alice.id);
      await c.query("SELECT set_config('row_security', 'off', false)");
      for (const table of USER_TABLES)
        await expect(owners(c, table)).rejects.toThrow(/row-level security/);
    });
  });

  it('sees no rows at all with no user set, even as a "service"', async () => {
    await withPg(db.gatewayUrl, async (c) => {
      await c.query("SELECT set_config('app.service', 'billing', false)");
      for (const table of USER_TABLES) expect(await owners(c, table)).toEqual([]);
      expect((await c.query('SELECT app_is_service() AS s')).rows).toEqual([{ s: false }]);
    });
  });

  it('reads no password hash, not even its own, and cannot write credits, roles or licences', async () => {
    await withPg(db.gatewayUrl, async (c) => {
      await asUser(c, alice.id);
      await expect(c.query('SELECT password FROM users')).rejects.toThrow(/permission denied/);
      await expect(c.query('SELECT * FROM users')).rejects.toThrow(/permission denied/);
      for (const change of ['credits = 1000000', "role = 'ADMIN'", "license_type = 'ENTERPRISE'"])
        await expect(
          c.query(`UPDATE users SET ${change} WHERE id = $1`, [alice.id]),
        ).rejects.toThrow(/permission denied/);
      await expect(
        c.query(
          `INSERT INTO users (id, email, password, first_name, last_name, role, credits)
           VALUES ($1, 'x@example.com', 'x', 'X', 'Y', 'ADMIN', 1000000)`,
          [alice.id + 'x'],
        ),
      ).rejects.toThrow(/permission denied/);
    });
    expect(await db.prisma.user.findUnique({ where: { id: alice.id } })).toMatchObject({
      credits: 0,
      role: 'USER',
    });
  });

  it('has no access to the ledger or billing’s settlements', async () => {
    await withPg(db.gatewayUrl, async (c) => {
      await asUser(c, alice.id);
      for (const table of ['credit_transactions', 'job_settlements'])
        await expect(c.query(`SELECT count(*) FROM ${table}`)).rejects.toThrow(/permission denied/);
    });
  });

  it('cannot become another role', async () => {
    await withPg(db.gatewayUrl, async (c) => {
      for (const role of ['vmp_app', 'vmp_billing', 'vmp_worker', 'vmp_service', 'postgres'])
        await expect(c.query(`SET ROLE ${role}`)).rejects.toThrow(/permission denied/);
      await expect(c.query('SET SESSION AUTHORIZATION postgres')).rejects.toThrow(
        /permission denied/,
      );
      // Its group role (a member may take it) holds no table at all.
      await c.query('SET ROLE vmp_tenant_only');
      await c.query("SELECT set_config('app.service', 'billing', false)");
      await expect(c.query('SELECT count(*) FROM projects')).rejects.toThrow(/permission denied/);
      expect((await c.query('SELECT app_is_service() AS s')).rows).toEqual([{ s: false }]);
    });
  });

  it('logs in through gateway_login_user: one exact email, only the id, hash and state', async () => {
    await withPg(db.gatewayUrl, async (c) => {
      const { rows, fields } = await c.query('SELECT * FROM gateway_login_user($1)', [bob.email]);
      expect(fields.map((f) => f.name)).toEqual(['id', 'password', 'isActive']);
      expect(rows).toEqual([{ id: bob.id, password: '$2a$04$hash-of-bob', isActive: true }]);
      for (const pattern of ['%', '%@example.com', bob.email.toUpperCase(), ''])
        expect((await c.query('SELECT * FROM gateway_login_user($1)', [pattern])).rows).toEqual([]);
    });
  });

  it('looks keys up through gateway_api_key by the whole hash, without the owner’s password', async () => {
    await withPg(db.gatewayUrl, async (c) => {
      const { rows, fields } = await c.query('SELECT * FROM gateway_api_key($1)', [bob.keyHash]);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ userId: bob.id, userEmail: bob.email, userIsActive: true });
      expect(fields.map((f) => f.name)).not.toContain('password');
      expect(JSON.stringify(rows)).not.toContain('hash-of-bob');
      const prefix = bob.keyHash.slice(0, 12);
      for (const wrong of [prefix, '%', ''])
        expect((await c.query('SELECT * FROM gateway_api_key($1)', [wrong])).rows).toEqual([]);
    });
  });

  it('registers through gateway_register_user: a plain USER, never over an existing email', async () => {
    await withPg(db.gatewayUrl, async (c) => {
      const taken = await c.query('SELECT * FROM gateway_register_user($1, $2, $3, $4)', [
        bob.email,
        'x',
        'X',
        'Y',
      ]);
      expect(taken.rows).toEqual([]);
      const email = `new-${randomBytes(4).toString('hex')}@example.com`;
      const made = await c.query('SELECT * FROM gateway_register_user($1, $2, $3, $4)', [
        email,
        'new-hash',
        'N',
        'U',
      ]);
      expect(made.rows).toEqual([
        expect.objectContaining({ email, role: 'USER', credits: 0, licenseType: 'FREE' }),
      ]);
      expect(made.fields.map((f) => f.name)).not.toContain('password');
    });
    expect((await db.prisma.user.findUnique({ where: { email: bob.email } }))?.password).toBe(
      '$2a$04$hash-of-bob',
    );
  });

  it('reads and changes other users only through the admin functions, and only as an ADMIN', async () => {
    await withPg(db.gatewayUrl, async (c) => {
      await asUser(c, alice.id);
      const list = () => c.query('SELECT * FROM admin_users(NULL, NULL, 0, 100)');
      expect((await list()).rows).toEqual([]);
      expect((await c.query('SELECT admin_users_count(NULL, NULL) AS n')).rows).toEqual([
        { n: '0' },
      ]);
      expect((await c.query('SELECT * FROM admin_user($1)', [bob.id])).rows).toEqual([]);
      expect((await c.query('SELECT * FROM admin_user_counts($1)', [bob.id])).rows).toEqual([]);
      const deactivate = await c.query('SELECT admin_set_user_active($1, false) AS changed', [
        bob.id,
      ]);
      expect(deactivate.rows).toEqual([{ changed: false }]);
      expect((await db.prisma.user.findUnique({ where: { id: bob.id } }))?.isActive).toBe(true);

      await db.prisma.user.update({ where: { id: alice.id }, data: { role: 'ADMIN' } });
      const all = await list();
      expect(all.rows.map((r) => r.id).sort()).toEqual(expect.arrayContaining([alice.id, bob.id]));
      expect(all.fields.map((f) => f.name)).not.toContain('password');
      const counts = await c.query('SELECT * FROM admin_user_counts($1)', [bob.id]);
      expect(counts.rows).toEqual([{ projects: '1', api_keys: '1', transactions: '1' }]);
      // Still no row of bob's through the tables themselves.
      expect(await owners(c, 'users')).toEqual([alice.id]);
      await db.prisma.user.update({ where: { id: alice.id }, data: { role: 'USER' } });
    });
  });

  it('appends to the audit log but reads it only through admin_audit_logs, as an ADMIN', async () => {
    await db.prisma.auditLog.create({
      data: { action: 'auth.login.failed', actorUserId: bob.id, details: { email: bob.email } },
    });
    await withPg(db.gatewayUrl, async (c) => {
      await asUser(c, alice.id);
      await expect(c.query('SELECT actor_user_id FROM audit_logs')).rejects.toThrow(
        /permission denied/,
      );
      await c.query(`INSERT INTO audit_logs (id, action) VALUES ('a-gw', 'test.append')`);
      const read = () =>
        c.query('SELECT * FROM admin_audit_logs($1, NULL, NULL, NULL, 0, 10)', [bob.id]);
      expect((await read()).rows).toEqual([]);
      await db.prisma.user.update({ where: { id: alice.id }, data: { role: 'ADMIN' } });
      expect((await read()).rows).toEqual([
        expect.objectContaining({ actorUserId: bob.id, action: 'auth.login.failed' }),
      ]);
      await db.prisma.user.update({ where: { id: alice.id }, data: { role: 'USER' } });
    });
  });

  it('counts jobs by status only through gateway_jobs_by_status', async () => {
    await withPg(db.gatewayUrl, async (c) => {
      await asUser(c, alice.id);
      expect((await c.query('SELECT * FROM gateway_jobs_by_status()')).rows).toEqual([]);
    });
  });
});

describe("billing's and the media workers' roles", () => {
  it('do service-level work by naming themselves, which the gateway cannot', async () => {
    for (const url of [db.billingUrl, db.workerUrl, db.appUrl]) {
      await withPg(url, async (c) => {
        expect(await owners(c, 'projects')).toEqual([]);
        await c.query("SELECT set_config('app.service', 'check', false)");
        expect(await owners(c, 'projects')).toEqual([alice.id, bob.id].sort());
        expect((await c.query('SELECT app_is_service() AS s')).rows).toEqual([{ s: true }]);
      });
    }
  });

  it('billing reads credits and licences but no password hash, and writes no uploads, keys or webhooks', async () => {
    await withPg(db.billingUrl, async (c) => {
      await c.query("SELECT set_config('app.service', 'billing', false)");
      const { rows } = await c.query('SELECT id, credits, license_type FROM users WHERE id = $1', [
        bob.id,
      ]);
      expect(rows).toEqual([{ id: bob.id, credits: 0, license_type: 'FREE' }]);
      await expect(c.query('SELECT password FROM users')).rejects.toThrow(/permission denied/);
      await expect(c.query("UPDATE users SET role = 'ADMIN'")).rejects.toThrow(/permission denied/);
      await expect(
        c.query(
          `INSERT INTO webhook_endpoints (id, user_id, url, events, secret, updated_at)
           VALUES ('w1', $1, 'https://example.com', '{}', 's', now())`,
          [bob.id],
        ),
      ).rejects.toThrow(/permission denied/);
      await expect(c.query('DELETE FROM projects')).rejects.toThrow(/permission denied/);
      await expect(c.query('SELECT count(*) FROM api_keys')).rejects.toThrow(/permission denied/);
      // The ledger is append-only for billing too.
      await expect(c.query('UPDATE credit_transactions SET amount = 0')).rejects.toThrow(
        /permission denied/,
      );
      await expect(c.query('DELETE FROM credit_transactions')).rejects.toThrow(/permission denied/);
    });
    expect(await db.prisma.creditTransaction.count()).toBe(2);
  });

  it('a worker reads no user, password hash, key or ledger entry, and writes no credits', async () => {
    await withPg(db.workerUrl, async (c) => {
      await c.query("SELECT set_config('app.service', 'media-worker', false)");
      for (const query of [
        'SELECT password FROM users',
        'SELECT id FROM users',
        'SELECT key_hash FROM api_keys',
        'SELECT count(*) FROM credit_transactions',
        'SELECT count(*) FROM job_settlements',
      ])
        await expect(c.query(query)).rejects.toThrow(/permission denied/);
      await expect(
        c.query(
          `INSERT INTO credit_transactions (id, user_id, amount, type, description)
           VALUES ('t1', $1, 1000, 'PURCHASE', 'free money')`,
          [bob.id],
        ),
      ).rejects.toThrow(/permission denied/);
      await expect(c.query('SELECT * FROM gateway_login_user($1)', [bob.email])).rejects.toThrow(
        /permission denied/,
      );
    });
  });
});
