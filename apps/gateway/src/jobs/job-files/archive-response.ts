import type { Response } from 'express';
import type { JobFiles } from './job-files.service';

/**
 * Answers a job's archive (GET /jobs/:id/archive and its signed link alike): 404 and 409 before
 * any byte is sent, then the ZIP streamed as `job-<id>.zip`.
 */
export async function sendArchive(
  files: JobFiles,
  userId: string,
  jobId: string,
  res: Response,
): Promise<void> {
  const archive = await files.archivable(userId, jobId);
  res.status(200);
  res.setHeader('Content-Type', 'application/zip');
  res.setHeader('Content-Disposition', `attachment; filename="job-${jobId}.zip"`);
  await files.writeArchive(archive, res);
}
