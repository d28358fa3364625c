import request from 'supertest';
import { createProject, fund, projectSettings, registerUser } from '../support/factories';
import { completedJob, isFinal, mixableProject, waitForJob } from '../support/mixing-project';
import { useSystem } from '../support/system';

jest.setTimeout(180_000);

const sys = useSystem({ billing: true, worker: true });

interface PlannedCombination {
  index: number;
  name: string;
  durationSeconds: number;
  clips: { groupId: string; groupName: string; videoId: string; originalName: string }[];
}

async function funded() {
  const { token, user } = await registerUser(sys.gw.server);
  await fund(sys.db.prisma, user.id, 500);
  return { token, auth: { Authorization: `Bearer ${token}` } };
}

describe('POST /projects/:id/plan previews exactly what a job with its seed renders', () => {
  it.each(['MANUAL', 'AUTO'])(
    '%s: the outputs are the planned clips, in order, with the planned names; nothing spent',
    async (mixingMode) => {
      const { token, auth } = await funded();
      const projectId = await mixableProject(sys.gw, token, {
        perGroup: 3,
        settings: {
          mixingMode,
          outputCount: 4,
          outputNameTemplate: '{project}_{index}_{group:G1}_{aspect}',
        },
      });
      const before = (await request(sys.gw.server).get('/api/v1/billing/balance').set(auth)).body;
      const plan = await request(sys.gw.server)
        .post(`/api/v1/projects/${projectId}/plan`)
        .set(auth)
        .send({ seed: 4242 })
        .expect(200);
      expect(plan.body.seed).toBe(4242);
      expect(plan.body.credits).toBeGreaterThan(0);
      const combinations = plan.body.combinations as PlannedCombination[];
      expect(combinations).toHaveLength(4);
      expect(combinations.map((c) => c.index)).toEqual([0, 1, 2, 3]);
      for (const c of combinations) {
        expect(c.clips.map((clip) => clip.groupName)).toEqual(['G0', 'G1']);
        expect(c.name).toMatch(/^Campaign_000\d_.+_(16x9|9x16|1x1|4x5)\.mp4$/);
      }
      // A second preview with the same seed is the same plan; no credits moved.
      const again = await request(sys.gw.server)
        .post(`/api/v1/projects/${projectId}/plan`)
        .set(auth)
        .send({ seed: 4242 })
        .expect(200);
      expect(again.body).toEqual(plan.body);
      expect((await request(sys.gw.server).get('/api/v1/billing/balance').set(auth)).body).toEqual(
        before,
      );

      const created = await request(sys.gw.server)
        .post(`/api/v1/projects/${projectId}/jobs`)
        .set(auth)
        .send({ seed: 4242 })
        .expect(202);
      expect(created.body.creditsReserved).toBe(plan.body.credits);
      const job = await waitForJob(sys.gw, token, created.body.id, isFinal);
      expect(job.status).toBe('COMPLETED');
      const outputs = job.outputs as { sourceFiles: string[]; duration: number; id: string }[];
      expect(outputs.map((o) => o.sourceFiles)).toEqual(
        combinations.map((c) => c.clips.map((clip) => clip.videoId)),
      );
      const manifest = await request(sys.gw.server)
        .get(`/api/v1/jobs/${job.id}/manifest`)
        .set(auth)
        .expect(200);
      expect(manifest.body.outputs.map((o: { name: string }) => o.name)).toEqual(
        combinations.map((c) => c.name),
      );
    },
  );

  it('lists the renditions, and names every file of every rendition as the job then names it', async () => {
    const { token, auth } = await funded();
    const projectId = await mixableProject(sys.gw, token, {
      settings: {
        outputCount: 2,
        outputNameTemplate: '{index}_{aspect}',
        renditions: [
          { aspectRatio: '1:1', format: 'MP4', quality: 'LOW' },
          { aspectRatio: '9:16', format: 'MOV', quality: 'LOW' },
        ],
      },
    });
    const plan = await request(sys.gw.server)
      .post(`/api/v1/projects/${projectId}/plan`)
      .set(auth)
      .send({ seed: 7 })
      .expect(200);
    expect(plan.body.renditions).toEqual([
      { index: 0, aspectRatio: '1:1', format: 'MP4', quality: 'LOW', fps: 30, codec: 'h264' },
      { index: 1, aspectRatio: '9:16', format: 'MOV', quality: 'LOW', fps: 30, codec: 'h264' },
    ]);
    const combinations = plan.body.combinations as (PlannedCombination & { names: string[] })[];
    expect(combinations.map((c) => c.names)).toEqual([
      ['0000_1x1-r0.mp4', '0000_9x16-r1.mov'],
      ['0001_1x1-r0.mp4', '0001_9x16-r1.mov'],
    ]);
    const created = await request(sys.gw.server)
      .post(`/api/v1/projects/${projectId}/jobs`)
      .set(auth)
      .send({ seed: 7 })
      .expect(202);
    expect(created.body.creditsReserved).toBe(plan.body.credits);
    const job = await waitForJob(sys.gw, token, created.body.id, isFinal);
    expect(job.status).toBe('COMPLETED');
    const manifest = await request(sys.gw.server)
      .get(`/api/v1/jobs/${job.id}/manifest`)
      .set(auth)
      .expect(200);
    expect(manifest.body.outputs.map((o: { name: string }) => o.name).sort()).toEqual(
      combinations.flatMap((c) => c.names).sort(),
    );
  });

  it('answers a random seed when none is given, and 422 for a project that is not mixable', async () => {
    const { token, auth } = await funded();
    const projectId = await mixableProject(sys.gw, token);
    const plan = await request(sys.gw.server)
      .post(`/api/v1/projects/${projectId}/plan`)
      .set(auth)
      .send({})
      .expect(200);
    expect(Number.isInteger(plan.body.seed)).toBe(true);
    const empty = await createProject(sys.gw.server, token);
    const refused = await request(sys.gw.server)
      .post(`/api/v1/projects/${empty.id}/plan`)
      .set(auth)
      .send({ seed: 1 })
      .expect(422);
    expect(refused.body.statusCode).toBe(422);
    const { token: other } = await funded();
    await request(sys.gw.server)
      .post(`/api/v1/projects/${projectId}/plan`)
      .set('Authorization', `Bearer ${other}`)
      .send({})
      .expect(404);
  });
});

describe('the outputNameTemplate setting', () => {
  it('refuses an unknown placeholder with a 400 that names it, and an overlong template', async () => {
    const { token, auth } = await funded();
    const bad = await request(sys.gw.server)
      .post('/api/v1/projects')
      .set(auth)
      .send({ name: 'P', settings: projectSettings({ outputNameTemplate: '{project}-{colour}' }) })
      .expect(400);
    expect(JSON.stringify(bad.body)).toContain('{colour}');
    await request(sys.gw.server)
      .post('/api/v1/projects')
      .set(auth)
      .send({ name: 'P', settings: projectSettings({ outputNameTemplate: 'x'.repeat(301) }) })
      .expect(400);
    expect(token).toBeTruthy();
  });

  it('names the files safely and uniquely, and downloads carry the name (RFC 5987)', async () => {
    const { token, auth } = await funded();
    const projectId = await mixableProject(sys.gw, token, {
      settings: { outputNameTemplate: '../Été/{project}:{date}' },
    });
    const { job, manifest } = await completedJob(sys.gw, token, projectId);
    const names = manifest.body.outputs.map((o: { name: string }) => o.name) as string[];
    const day = new Date(job.createdAt).toISOString().slice(0, 10);
    expect(names).toEqual([
      `_Été_Campaign_${day}.mp4`,
      `_Été_Campaign_${day}-2.mp4`,
      `_Été_Campaign_${day}-3.mp4`,
      `_Été_Campaign_${day}-4.mp4`,
    ]);
    const head = await request(sys.gw.server)
      .head(`/api/v1/outputs/${manifest.body.outputs[1].id}/download`)
      .set(auth)
      .expect(200);
    expect(head.headers['content-disposition']).toBe(
      `attachment; filename="__t__Campaign_${day}-2.mp4"; filename*=UTF-8''_%C3%89t%C3%A9_Campaign_${day}-2.mp4`,
    );
  });
});
