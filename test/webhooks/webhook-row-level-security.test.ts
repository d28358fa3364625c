import { randomBytes } from 'node:crypto';
import { WEBHOOK_TABLES } from '@app/database';
import { createTestDatabase, withPg, type TestDatabase } from '../support/database';

let db: TestDatabase;
const users: string[] = [];

/** A user with one endpoint and one delivery, written by the owner (not limited by RLS). */
async function tenant(): Promise<string> {
  const user = await db.prisma.user.create({
    data: {
      email: `hooks-rls-${randomBytes(4).toString('hex')}@example.com`,
      password: 'x',
      firstName: 'R',
      lastName: 'LS',
    },
  });
  const endpoint = await db.prisma.webhookEndpoint.create({
    data: {
      userId: user.id,
      url: 'https://93.184.216.34/',
      events: ['job.completed'],
      secret: 'whsec_x',
    },
  });
  await db.prisma.webhookDelivery.create({
    data: {
      id: `msg_${randomBytes(8).toString('hex')}`,
      endpointId: endpoint.id,
      eventKey: 'j:job.completed',
      eventType: 'job.completed',
      payload: '{}',
    },
  });
  return user.id;
}

/** Rows of each webhook table a session of the application role sees with these settings. */
function counts(settings: { userId?: string; service?: string }) {
  return withPg(db.appUrl, async (c) => {
    await c.query(
      "SELECT set_config('app.current_user_id', $1, false), set_config('app.service', $2, false)",
      [settings.userId ?? '', settings.service ?? ''],
    );
    const out: Record<string, number> = {};
    for (const t of WEBHOOK_TABLES)
      out[t] = (await c.query(`SELECT count(*)::int AS n FROM "${t}"`)).rows[0].n;
    return out;
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
  users.push(await tenant(), await tenant());
});
afterAll(async () => {
  await db?.drop();
});

describe('row level security of webhook endpoints and deliveries', () => {
  it('shows a user only its own, a service every one, an unscoped session none', async () => {
    const own = { webhook_endpoints: 1, webhook_deliveries: 1 };
    expect(await counts({ userId: users[0] })).toEqual(own);
    expect(await counts({ userId: users[1] })).toEqual(own);
    expect(await counts({ service: 'media-worker' })).toEqual({
      webhook_endpoints: 2,
      webhook_deliveries: 2,
    });
    expect(await counts({})).toEqual({ webhook_endpoints: 0, webhook_deliveries: 0 });
  });

  it('refuses to write an endpoint for another user', async () => {
    const attempt = withPg(db.appUrl, async (c) => {
      await c.query("SELECT set_config('app.current_user_id', $1, false)", [users[0]]);
      await c.query(
        `INSERT INTO webhook_endpoints (id, user_id, url, events, secret, updated_at)
         VALUES ('sneaky', $1, 'https://93.184.216.34/', ARRAY['job.completed'], 'whsec_x', now())`,
        [users[1]],
      );
    });
    await expect(attempt).rejects.toThrow(/row-level security/);
  });

  it('is enabled and forced on both tables', async () => {
    const forced = await withPg(db.url, (c) =>
      c.query(
        `SELECT relname FROM pg_class WHERE relname = ANY($1) AND relrowsecurity AND relforcerowsecurity`,
        [[...WEBHOOK_TABLES]],
      ),
    );
    expect(forced.rows).toHaveLength(WEBHOOK_TABLES.length);
  });
});
