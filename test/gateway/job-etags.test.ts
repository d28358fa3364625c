import request from 'supertest';
import { createProject, registerUser, type RegisteredUser } from '../support/factories';
import { useSystem } from '../support/system';

const sys = useSystem();
let owner: RegisteredUser;
let jobId: string;

beforeAll(async () => {
  owner = await registerUser(sys.gw.server);
  const project = await createProject(sys.gw.server, owner.token);
  // A job the worker is running (written directly: no worker in this file).
  jobId = (
    await sys.db.prisma.processingJob.create({
      data: { projectId: project.id, status: 'PROCESSING', progress: 10, outputCount: 2 },
    })
  ).id;
}, 30_000);

const poll = (path: string, etag?: string, token = owner.token) => {
  const req = request(sys.gw.server).get(path).set('Authorization', `Bearer ${token}`);
  return etag ? req.set('If-None-Match', etag) : req;
};

describe.each([
  ['GET /jobs/:id', () => `/api/v1/jobs/${jobId}`],
  ['GET /jobs/:id/outputs', () => `/api/v1/jobs/${jobId}/outputs`],
])('%s: ETag and If-None-Match', (_name, path) => {
  it('answers 304 without a body while nothing changed, then 200 with a new ETag', async () => {
    const first = await poll(path()).expect(200);
    const etag = first.headers.etag;
    expect(etag).toMatch(/^W\/".+"$/);

    const again = await poll(path(), etag).expect(304);
    expect(again.text ?? '').toBe('');
    expect(again.headers.etag).toBe(etag);
    // A list of tags, one of them current, matches too.
    await poll(path(), `W/"stale", ${etag}`).expect(304);
    // fetch() sends Cache-Control: no-cache with every conditional request: still 304.
    const fromFetch = await poll(path(), etag).set('Cache-Control', 'no-cache').expect(304);
    expect(fromFetch.text ?? '').toBe('');

    // The worker records an output and moves the progress on.
    const job = await sys.db.prisma.processingJob.findUniqueOrThrow({ where: { id: jobId } });
    await sys.db.prisma.outputFile.create({
      data: {
        jobId,
        filename: `out-${job.progress}.mp4`,
        path: `/nowhere/out-${job.progress}.mp4`,
        size: BigInt(1),
        duration: 1,
        metadata: {},
        sourceFiles: [],
        combinationIndex: job.progress,
      },
    });
    await sys.db.prisma.processingJob.update({
      where: { id: jobId },
      data: { progress: job.progress + 10 },
    });

    const changed = await poll(path(), etag).expect(200);
    expect(changed.headers.etag).toMatch(/^W\/".+"$/);
    expect(changed.headers.etag).not.toBe(etag);
    await poll(path(), changed.headers.etag).expect(304);
  });

  it("answers another user's conditional request with 404, not 304", async () => {
    const { headers } = await poll(path()).expect(200);
    const stranger = await registerUser(sys.gw.server);
    await poll(path(), headers.etag, stranger.token).expect(404);
  });
});

describe('GET /jobs/:id: the body', () => {
  it('gives the job and its outputs by combination and rendition, as recorded', async () => {
    const project = await createProject(sys.gw.server, owner.token);
    const job = await sys.db.prisma.processingJob.create({
      data: {
        projectId: project.id,
        status: 'PROCESSING',
        progress: 55,
        outputCount: 3,
        seed: 77,
        creditsReserved: 9,
        startedAt: new Date('2026-11-30T23:59:58.123Z'),
        // The priority the job was created with, frozen in its plan.
        settings: { priority: -3 },
      },
    });
    // Recorded out of order; one output in two renditions.
    for (const [combinationIndex, rendition, size] of [
      [1, 1, 3_000_000_001],
      [0, 0, 12],
      [1, 0, 2_000_000_000],
    ]) {
      await sys.db.prisma.outputFile.create({
        data: {
          jobId: job.id,
          filename: `out-${combinationIndex}-${rendition}.mp4`,
          path: `/nowhere/out-${combinationIndex}-${rendition}.mp4`,
          size: BigInt(size),
          duration: '14.25',
          metadata: { campaign: 'c', combination: String(combinationIndex) },
          sourceFiles: ['v1', `v${combinationIndex + 2}`],
          combinationIndex,
          rendition,
        },
      });
    }
    const recorded = await sys.db.prisma.outputFile.findMany({ where: { jobId: job.id } });
    const res = await poll(`/api/v1/jobs/${job.id}`).expect(200);
    expect(res.body).toEqual({
      id: job.id,
      projectId: project.id,
      status: 'PROCESSING',
      progress: 55,
      outputCount: 3,
      creditsReserved: 9,
      seed: 77,
      startedAt: '2026-11-30T23:59:58.123Z',
      completedAt: null,
      errorMessage: null,
      createdAt: job.createdAt.toISOString(),
      priority: -3,
      outputs: [
        [0, 0],
        [1, 0],
        [1, 1],
      ].map(([c, r]) => {
        const o = recorded.find((x) => x.combinationIndex === c && x.rendition === r)!;
        return {
          id: o.id,
          filename: o.filename,
          size: Number(o.size),
          duration: 14.25,
          metadata: o.metadata,
          sourceFiles: o.sourceFiles,
          createdAt: o.createdAt.toISOString(),
          combinationIndex: c,
          rendition: r,
        };
      }),
    });
    const outputs = await poll(`/api/v1/jobs/${job.id}/outputs`).expect(200);
    expect(outputs.body).toEqual(res.body.outputs);
    // Another user's job is no job, with or without outputs.
    const stranger = await registerUser(sys.gw.server);
    await poll(`/api/v1/jobs/${job.id}`, undefined, stranger.token).expect(404);
    await poll(`/api/v1/jobs/${jobId}`, undefined, stranger.token).expect(404);
  });
});
