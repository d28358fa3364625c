import request from 'supertest';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fund, registerUser } from '../support/factories';
import { completedJob, mixableProject } from '../support/mixing-project';
import { binaryBody } from '../support/http';
import { useSystem } from '../support/system';

// Every file of this test lives in the NATS Object Store: the archive and the posters read
// through the Storage interface, never from a local path.
process.env.STORAGE_DRIVER = 'nats';

jest.setTimeout(180_000);

const sys = useSystem({ billing: true, worker: true });

it('archives and posters work with the NATS Object Store driver', async () => {
  const { token, user } = await registerUser(sys.gw.server);
  await fund(sys.db.prisma, user.id, 100);
  const auth = { Authorization: `Bearer ${token}` };
  const projectId = await mixableProject(sys.gw, token);
  const { job, manifest } = await completedJob(sys.gw, token, projectId);
  const outputs = manifest.body.outputs as { id: string; name: string; sha256: string }[];
  expect(outputs).toHaveLength(4);

  const zip = await request(sys.gw.server)
    .get(`/api/v1/jobs/${job.id}/archive`)
    .set(auth)
    .buffer(true)
    .parse(binaryBody)
    .expect(200);
  const dir = await mkdtemp(path.join(tmpdir(), 'vmp-zip-'));
  await writeFile(path.join(dir, 'job.zip'), zip.body as Buffer);
  execFileSync('unzip', ['-q', path.join(dir, 'job.zip'), '-d', path.join(dir, 'x')]);
  for (const o of outputs) {
    const bytes = await readFile(path.join(dir, 'x', o.name));
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(o.sha256);
  }

  const poster = await request(sys.gw.server)
    .get(`/api/v1/outputs/${outputs[0].id}/poster`)
    .set(auth)
    .buffer(true)
    .parse(binaryBody)
    .expect(200);
  expect((poster.body as Buffer).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
});
