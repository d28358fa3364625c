import request from 'supertest';
import { mkdtempSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { connect } from '@nats-io/transport-node';
import { Objm } from '@nats-io/obj';
import { binaryBody } from '../support/http';
import { workerProcesses } from '../support/processes';
import { fund, registerUser } from '../support/factories';
import { isFinal, mixableProject, waitForJob } from '../support/mixing-project';
import { useSystem } from '../support/system';

jest.setTimeout(240_000);

// Every app of this file keeps its files in the NATS Object Store; each has folders of its own.
process.env.STORAGE_DRIVER = 'nats';

const sys = useSystem({ billing: true, stopFirst: () => workers.killAll() });
/** Workers on "other machines": each with its own, empty STORAGE_DIR and WORK_DIR. */
const workers = workerProcesses(() => ({ DATABASE_URL: sys.db.appUrl, WORKER_CONCURRENCY: '1' }), {
  ownStorage: true,
});
const worker = () => workers.start();

// After the apps have stopped: the file's Object Store buckets.
afterAll(async () => {
  const nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' });
  const objm = new Objm(nc);
  for (const kind of ['sources', 'mezzanines', 'outputs'])
    await objm
      .open(`${process.env.NATS_PREFIX}_${kind}`)
      .then((os) => os.destroy())
      .catch(() => undefined);
  await nc.close();
});

describe('workers with no shared disk (STORAGE_DRIVER=nats)', () => {
  it('complete jobs from files they only reach through the store, and share mezzanines', async () => {
    const a = await worker();
    const b = await worker();
    const { token, user } = await registerUser(sys.gw.server);
    await fund(sys.db.prisma, user.id, 1000, 'ENTERPRISE');
    const auth = { Authorization: `Bearer ${token}` };
    const projectId = await mixableProject(sys.gw, token);

    const videos = await sys.db.prisma.videoFile.findMany({ where: { projectId } });
    expect(videos.length).toBe(4);
    for (const v of videos)
      expect(v.path).toMatch(new RegExp(`^nats://${process.env.NATS_PREFIX}_sources/`));

    // Two jobs of the same project one after the other: the second may land on either worker
    // and must reuse the mezzanines the first one shared through the store.
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const job = await request(sys.gw.server)
        .post(`/api/v1/projects/${projectId}/jobs`)
        .set(auth)
        .send({ seed: 7 + i })
        .expect(202);
      ids.push(job.body.id);
      expect((await waitForJob(sys.gw, token, job.body.id, isFinal)).status).toBe('COMPLETED');
    }

    const outputs = await sys.db.prisma.outputFile.findMany({ where: { jobId: { in: ids } } });
    expect(outputs).toHaveLength(8);
    for (const o of outputs)
      expect(o.path).toMatch(new RegExp(`^nats://${process.env.NATS_PREFIX}_outputs/`));

    // The download streams out of the store, and ranges work on it.
    const first = outputs[0];
    const whole = await request(sys.gw.server)
      .get(`/api/v1/outputs/${first.id}/download`)
      .set(auth)
      .buffer(true)
      .parse(binaryBody)
      .expect(200);
    const body = whole.body as Buffer;
    expect(body.length).toBe(Number(first.size));
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'vmp-remote-dl-')), 'out.mp4');
    writeFileSync(file, body);
    const probed = JSON.parse(
      execFileSync('ffprobe', ['-v', 'error', '-show_streams', '-of', 'json', file]).toString(),
    ) as { streams: { codec_type: string }[] };
    expect(probed.streams.map((s) => s.codec_type).sort()).toEqual(['audio', 'video']);
    const ranged = await request(sys.gw.server)
      .get(`/api/v1/outputs/${first.id}/download`)
      .set(auth)
      .set('Range', 'bytes=100-199')
      .buffer(true)
      .parse(binaryBody)
      .expect(206);
    expect((ranged.body as Buffer).equals(body.subarray(100, 200))).toBe(true);

    const logs = a.output() + b.output();
    for (const id of ids) expect(logs).toMatch(new RegExp(`job ${id} (claimed|resumed)`));
    // The workers never wrote to a local store, and left no job files behind.
    for (const w of [a, b]) {
      expect(readdirSync(w.storageDir!)).toEqual([]);
      const jobsDir = path.join(w.workDir, 'jobs');
      expect(existsSync(jobsDir) ? readdirSync(jobsDir) : []).toEqual([]);
    }
    // Nor did the gateway: its STORAGE_DIR is untouched.
    const gatewayStorage = process.env.STORAGE_DIR!;
    expect(existsSync(gatewayStorage) ? readdirSync(gatewayStorage) : []).toEqual([]);

    // Mezzanines are in the store: 4 clips, one profile.
    const nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' });
    const mezzanines = await (
      await new Objm(nc).open(`${process.env.NATS_PREFIX}_mezzanines`)
    ).list();
    await nc.close();
    expect(mezzanines.filter((m) => !m.deleted)).toHaveLength(4);
    await Promise.all([a.stop(), b.stop()]);
  });
});
