import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { registerUser } from '../support/factories';
import { useSystem } from '../support/system';

// Each command is a tsx process: seconds on a busy 2-core machine.
jest.setTimeout(60_000);

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');

const sys = useSystem();

/** `npm run admin -- ...args` against the test database, as its owner. */
const admin = (...args: string[]) =>
  run('npx', ['--no-install', 'tsx', 'apps/admin-cli/src/main.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, MIGRATION_DATABASE_URL: sys.db.url },
  });

describe('npm run admin', () => {
  it('create-admin makes an operator with a generated password that signs in and reaches admin routes', async () => {
    const { stdout } = await admin('create-admin', 'Ops@Example.com');
    const password = /password: (\S+)/.exec(stdout)?.[1];
    expect(password).toBeDefined();
    const login = await request(sys.gw.server)
      .post('/api/v1/auth/login')
      .send({ email: 'ops@example.com', password })
      .expect(200);
    await request(sys.gw.server)
      .get('/api/v1/admin/users')
      .set('Authorization', `Bearer ${login.body.accessToken}`)
      .expect(200);
    const row = await sys.db.prisma.user.findUniqueOrThrow({ where: { email: 'ops@example.com' } });
    expect(row.role).toBe('ADMIN');
    expect(
      await sys.db.prisma.auditLog.count({
        where: { action: 'admin.role.granted', targetId: row.id },
      }),
    ).toBe(1);
  });

  it('create-admin promotes an existing user without touching the password', async () => {
    const u = await registerUser(sys.gw.server);
    const { stdout } = await admin('create-admin', u.email);
    expect(stdout).toContain('is now an operator');
    expect(stdout).not.toContain('password:');
    const row = await sys.db.prisma.user.findUniqueOrThrow({ where: { id: u.user.id } });
    expect(row.role).toBe('ADMIN');
    await request(sys.gw.server)
      .post('/api/v1/auth/login')
      .send({ email: u.email, password: u.password })
      .expect(200);
  });

  it('grant adds credits with a ledger entry and an audit entry', async () => {
    const u = await registerUser(sys.gw.server);
    const { stdout } = await admin('grant', u.email, '250', 'launch', 'bonus');
    expect(stdout).toContain('balance 250');
    const rows = await sys.db.prisma.creditTransaction.findMany({ where: { userId: u.user.id } });
    expect(rows).toEqual([expect.objectContaining({ amount: 250, type: 'ADJUSTMENT' })]);
    expect(rows[0].description).toContain('launch bonus');
    expect(
      await sys.db.prisma.auditLog.count({
        where: { action: 'billing.credits_adjusted', targetId: u.user.id },
      }),
    ).toBe(1);
  });

  it('set-licence sets type and expiry, audited as licence.changed', async () => {
    const u = await registerUser(sys.gw.server);
    await admin('set-licence', u.email, 'ENTERPRISE', '2027-12-31');
    const row = await sys.db.prisma.user.findUniqueOrThrow({ where: { id: u.user.id } });
    expect(row.licenseType).toBe('ENTERPRISE');
    expect(row.licenseExpiry?.toISOString()).toBe('2027-12-31T00:00:00.000Z');
    const audit = await sys.db.prisma.auditLog.findMany({
      where: { action: 'licence.changed', targetId: u.user.id },
    });
    expect(audit).toEqual([
      expect.objectContaining({
        actorUserId: null,
        details: expect.objectContaining({ source: 'cli' }),
      }),
    ]);
  });

  it('refuses bad arguments with the usage and exit code 2', async () => {
    const u = await registerUser(sys.gw.server);
    for (const args of [
      ['grant', u.email, 'many', 'x'],
      ['set-licence', u.email, 'GOLD'],
      ['grant', 'nobody@example.com', '5', 'x'],
      ['launch-missiles', u.email],
    ]) {
      const failure = await admin(...args).then(
        () => undefined,
        (e: { code: number; stderr: string }) => e,
      );
      expect(failure?.code).toBe(2);
      expect(failure?.stderr).toContain('usage:');
    }
    expect((await sys.db.prisma.user.findUniqueOrThrow({ where: { id: u.user.id } })).credits).toBe(
      0,
    );
  });
});
