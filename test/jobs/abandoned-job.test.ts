import 'reflect-metadata';
import request from 'supertest';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { natsNames } from '@app/contracts';
import { workerProcesses } from '../support/processes';
import { fund, registerUser } from '../support/factories';
import { isFinal, mixableProject, waitForJob } from '../support/mixing-project';
import { useSystem } from '../support/system';

jest.setTimeout(180_000);

const sys = useSystem({ billing: true, stopFirst: () => workers.killAll() });
/** Workers that give a job one delivery only, and notice a dead one after 2 s. */
const workers = workerProcesses(() => ({
  DATABASE_URL: sys.db.appUrl,
  JOB_ACK_WAIT_MS: '2000',
  JOB_MAX_DELIVER: '1',
}));
const worker = () => workers.start();

describe('a job whose last delivery dies with its worker', () => {
  it('fails instead of staying PROCESSING, refunds what it did not produce, and leaves the queue', async () => {
    const first = await worker();
    const { token, user } = await registerUser(sys.gw.server);
    await fund(sys.db.prisma, user.id, 1000, 'ENTERPRISE');
    const projectId = await mixableProject(sys.gw, token, { perGroup: 3, seconds: 3 });
    const job = await request(sys.gw.server)
      .post(`/api/v1/projects/${projectId}/jobs`)
      .set('Authorization', `Bearer ${token}`)
      .expect(202);
    await first.waitFor(new RegExp(`job ${job.body.id} claimed`));
    await first.stop('SIGKILL');
    const second = await worker();

    const final = await waitForJob(sys.gw, token, job.body.id, isFinal, 60_000);
    expect(final.status).toBe('FAILED');
    expect(final.errorMessage).toMatch(/no worker finished this job in 1 attempts/);
    expect(second.output()).not.toMatch(new RegExp(`job ${job.body.id} (claimed|resumed)`));

    // Credits: the reservation is settled (just after the job is failed), charging only outputs
    // that were recorded.
    const refundRow = () =>
      sys.db.prisma.creditTransaction.findFirst({ where: { jobId: job.body.id, type: 'REFUND' } });
    for (let i = 0; i < 100 && !(await refundRow()); i++)
      await new Promise((r) => setTimeout(r, 100));
    const rows = await sys.db.prisma.creditTransaction.findMany({ where: { jobId: job.body.id } });
    const reserved = -rows.find((r) => r.type === 'USAGE')!.amount;
    const refunded = rows.find((r) => r.type === 'REFUND')?.amount ?? 0;
    const outputs = await sys.db.prisma.outputFile.count({ where: { jobId: job.body.id } });
    expect(refunded).toBeGreaterThan(0);
    // LOW quality, outputs under 30 s: one credit each; 9 reserved.
    expect(reserved).toBe(9);
    expect(reserved - refunded).toBe(outputs);
    const { credits } = await sys.db.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(credits).toBe(1000 - (reserved - refunded));

    // The spent message is gone from the work queue.
    const nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' });
    const info = await (await jetstreamManager(nc)).streams.info(natsNames().media.jobsStream);
    await nc.close();
    expect(info.state.messages).toBe(0);
  });
});
