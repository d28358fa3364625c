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
