import request from 'supertest';
import { FINAL_JOB_STATUSES, type JobStatus } from '@app/contracts';
import type { TestGateway } from './gateway';
import { createProject, projectSettings } from './factories';
import { clip } from './clips';

/**
 * A project of two groups through the API: `perGroup` clips in each, of mixed shapes and rates,
 * `seconds` long. Returns the project id; outputCount defaults to every combination.
 */
export async function mixableProject(
  gw: TestGateway,
  token: string,
  options: { perGroup?: number; seconds?: number; settings?: Record<string, unknown> } = {},
): Promise<string> {
  const perGroup = options.perGroup ?? 2;
  const seconds = options.seconds ?? 1;
  const auth = { Authorization: `Bearer ${token}` };
  const project = await createProject(gw.server, token, {
    settings: projectSettings({ outputCount: perGroup * perGroup, ...options.settings }),
  });
  const shapes = [
    { width: 320, height: 180, fps: 25 },
    { width: 180, height: 320, fps: 30, container: 'mov' as const },
    { width: 240, height: 240, fps: 24, audio: false, container: 'mkv' as const },
    { width: 320, height: 180, fps: 60, rotate: 90 as const },
  ];
  for (let g = 0; g < 2; g++) {
    const group = await request(gw.server)
      .post(`/api/v1/projects/${project.id}/groups`)
      .set(auth)
      .send({ name: `G${g}`, order: g })
      .expect(201);
    for (let i = 0; i < perGroup; i++) {
      const file = await clip({
        ...shapes[(g * perGroup + i) % shapes.length],
        durationSeconds: seconds + i * 0.5,
      });
      await request(gw.server)
        .post(`/api/v1/projects/${project.id}/videos`)
        .set(auth)
        .field('groupId', group.body.id)
        .attach('file', file)
        .expect(201);
    }
  }
  return project.id;
}

export async function waitForJob(
  gw: TestGateway,
  token: string,
  jobId: string,
  until: (job: { status: string; progress: number; outputs: unknown[] }) => boolean,
  timeoutMs = 90_000,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const res = await request(gw.server)
      .get(`/api/v1/jobs/${jobId}`)
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    if (until(res.body)) return res.body;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`job ${jobId} did not reach the expected state in ${timeoutMs} ms`);
}

export const isFinal = (job: { status: string }) =>
  FINAL_JOB_STATUSES.includes(job.status as JobStatus);

/**
 * Starts a job of the project, waits for it to end and expects it COMPLETED; returns the job and
 * its manifest (GET /jobs/:id/manifest).
 */
export async function completedJob(
  gw: TestGateway,
  token: string,
  projectId: string,
): Promise<{
  job: { id: string; createdAt: string; [k: string]: unknown };
  manifest: request.Response;
}> {
  const auth = { Authorization: `Bearer ${token}` };
  const created = await request(gw.server)
    .post(`/api/v1/projects/${projectId}/jobs`)
    .set(auth)
    .expect(202);
  const job = await waitForJob(gw, token, created.body.id, isFinal);
  expect(job.status).toBe('COMPLETED');
  const manifest = await request(gw.server)
    .get(`/api/v1/jobs/${job.id}/manifest`)
    .set(auth)
    .expect(200);
  return { job, manifest };
}
