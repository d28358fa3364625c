import request from 'supertest';
import { Client } from 'pg';
import { fund, registerUser } from '../support/factories';
import { mixableProject } from '../support/mixing-project';
import { ACTIVE_JOB_STATUSES } from '@app/contracts';
import { useSystem } from '../support/system';

// Starts through the real gateway and billing (no worker: accepted jobs stay PENDING).
process.env.BILLING_TIMEOUT_MS = '1500';
process.env.BILLING_RECONCILE_INTERVAL_MS = '0';

jest.setTimeout(120_000);

const sys = useSystem({ billing: true });

const credits = async (userId: string) =>
  (await sys.db.prisma.user.findUniqueOrThrow({ where: { id: userId } })).credits;

describe('starting jobs: billing decides', () => {
  it('runs one job at a time on a FREE licence: of 5 parallel starts in 5 projects exactly one is accepted', async () => {
    const { token, user } = await registerUser(sys.gw.server);
    await fund(sys.db.prisma, user.id, 100, 'FREE');
    const auth = { Authorization: `Bearer ${token}` };
    const projects = [];
    for (let i = 0; i < 5; i++)
      projects.push(await mixableProject(sys.gw, token, { perGroup: 1, seconds: 1 }));

    const starts = await Promise.all(
      projects.map((id) => request(sys.gw.server).post(`/api/v1/projects/${id}/jobs`).set(auth)),
    );

    const accepted = starts.filter((r) => r.status === 202);
    expect(accepted).toHaveLength(1);
    for (const refused of starts.filter((r) => r.status !== 202)) {
      expect(refused.status).toBe(409);
      expect(refused.body).toEqual({
        statusCode: 409,
        error: 'Conflict',
        message: 'the FREE licence runs 1 job at a time; 1 is running',
        details: { reason: 'CONCURRENCY_LIMIT' },
      });
    }
    const job = accepted[0].body;
    // The price billing reserved is the plan's, as the job row shows it.
    expect(await credits(user.id)).toBe(100 - job.creditsReserved);
    expect(
      await sys.db.prisma.processingJob.count({
        where: { project: { userId: user.id }, status: { in: [...ACTIVE_JOB_STATUSES] } },
      }),
    ).toBe(1);
    expect(
      await sys.db.prisma.creditTransaction.count({ where: { userId: user.id, type: 'USAGE' } }),
    ).toBe(1);
  });

  it('refuses a reservation that arrives after the start timed out, and charges nothing', async () => {
    const { token, user } = await registerUser(sys.gw.server);
    await fund(sys.db.prisma, user.id, 50, 'PREMIUM');
    const auth = { Authorization: `Bearer ${token}` };
    const projectId = await mixableProject(sys.gw, token, { perGroup: 1, seconds: 1 });

    // Billing is slow: the user's row is locked, so the reservation (and the gateway's
    // settle, when it gives up) wait for it past the gateway's timeout.
    const lock = new Client({ connectionString: sys.db.url });
    await lock.connect();
    await lock.query('BEGIN');
    await lock.query('SELECT id FROM users WHERE id = $1 FOR UPDATE', [user.id]);
    let start;
    try {
      start = await request(sys.gw.server).post(`/api/v1/projects/${projectId}/jobs`).set(auth);
    } finally {
      await lock.query('COMMIT');
      await lock.end();
    }
    expect(start.status).toBe(503);
    const [job] = await sys.db.prisma.processingJob.findMany({ where: { projectId } });
    expect(job.status).toBe('FAILED');

    // The late reservation and the gateway's settle now reach billing: nothing stays charged.
    const deadline = Date.now() + 10_000;
    while (!(await sys.db.prisma.jobSettlement.findUnique({ where: { jobId: job.id } }))) {
      if (Date.now() > deadline) throw new Error('the late messages never settled');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await credits(user.id)).toBe(50);
    const sum = await sys.db.prisma.creditTransaction.aggregate({
      where: { userId: user.id },
      _sum: { amount: true },
    });
    expect(sum._sum.amount).toBe(50);
  });
});
