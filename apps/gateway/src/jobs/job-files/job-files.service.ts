import { ConflictException, Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import archiverModule from 'archiver';
import type { Archiver, ArchiverOptions } from 'archiver';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FINAL_JOB_STATUSES } from '@app/contracts';
import type { ProcessingJob } from '@app/database';
import { STORAGE, type Storage } from '@app/storage';
import { JobsRepository } from '../jobs.repository';
import { JobFilesRepository } from './job-files.repository';
import { manifestCsv, manifestEntries, type Manifest, type ManifestLabels } from './manifest';

/**
 * archiver 7 (installed) is a factory, `archiver(format, options)`; the @types package
 * describes archiver 8's classes, whose instances have the same interface.
 */
const archiver = archiverModule as unknown as (format: 'zip', options: ArchiverOptions) => Archiver;

/** ZIP32 limits: past either, the archive is written as ZIP64. */
const ZIP32_MAX_BYTES = 0xffffffff - 1024 * 1024;
const ZIP32_MAX_ENTRIES = 0xffff - 1;

/**
 * A job's manifest (JSON or CSV) and its archive: every output plus manifest.csv as a stored
 * (not recompressed) ZIP, streamed entry by entry from the storage driver, so memory stays
 * constant whatever the job's size.
 */
@Injectable()
export class JobFiles {
  private readonly logger = new Logger(JobFiles.name);

  constructor(
    private readonly jobs: JobsRepository,
    private readonly files: JobFilesRepository,
    @Inject(STORAGE) private readonly storage: Storage,
  ) {}

  async manifest(userId: string, jobId: string): Promise<Manifest & { labels: ManifestLabels }> {
    const job = await this.owned(userId, jobId);
    const [outputs, labels] = await Promise.all([
      this.files.outputs(jobId),
      this.files.labels(job.projectId),
    ]);
    if (!labels) throw new NotFoundException('job not found');
    const hashed = [];
    for (const o of outputs) hashed.push({ ...o, sha256: o.sha256 ?? (await this.hash(o)) });
    return {
      jobId: job.id,
      projectId: job.projectId,
      status: job.status,
      outputs: manifestEntries(hashed, labels),
      labels,
    };
  }

  csv(manifest: Manifest & { labels: ManifestLabels }): string {
    return manifestCsv(manifest.outputs, manifest.labels);
  }

  /** The job whose archive can be made: 404 another user's job; 409 a job still running. */
  async finalJob(userId: string, jobId: string): Promise<ProcessingJob> {
    const job = await this.owned(userId, jobId);
    if (!FINAL_JOB_STATUSES.includes(job.status)) {
      throw new ConflictException(`the job is ${job.status}; its archive is made once it ends`);
    }
    return job;
  }

  /** 404 another user's job; 409 a job still running (checked before any byte is sent). */
  async archivable(userId: string, jobId: string) {
    await this.finalJob(userId, jobId);
    const manifest = await this.manifest(userId, jobId);
    const paths = new Map((await this.files.outputs(jobId)).map((o) => [o.id, o.path]));
    return { manifest, paths };
  }

  /** Writes the ZIP to `out`, one output at a time (the next is opened when one is written). */
  async writeArchive(
    archive: Awaited<ReturnType<JobFiles['archivable']>>,
    out: Writable,
  ): Promise<void> {
    const { manifest, paths } = archive;
    const total = manifest.outputs.reduce((s, o) => s + o.size, 0);
    const zip = archiver('zip', {
      store: true,
      forceZip64: total > ZIP32_MAX_BYTES || manifest.outputs.length > ZIP32_MAX_ENTRIES,
    });
    const written = pipeline(zip, out);
    // A client that goes away stops the loop at once (and the storage stream it was reading).
    const gone = new AbortController();
    written.catch(() => gone.abort());
    try {
      for (const entry of manifest.outputs) {
        const source = await this.storage.read(paths.get(entry.id) as string);
        if (gone.signal.aborted) {
          source.destroy();
          break;
        }
        gone.signal.addEventListener('abort', () => source.destroy(), { once: true });
        const added = once(zip, 'entry', { signal: gone.signal });
        zip.append(source, { name: entry.name, store: true });
        await added;
      }
      if (!gone.signal.aborted) {
        zip.append(this.csv(manifest), { name: 'manifest.csv' });
        await zip.finalize();
      }
      await written;
    } catch (e) {
      this.logger.warn(`archive of job ${manifest.jobId} stopped: ${(e as Error).message}`);
      zip.abort();
      out.destroy();
    }
  }

  private async owned(userId: string, jobId: string): Promise<ProcessingJob> {
    const job = await this.jobs.findOwned(userId, jobId);
    if (!job) throw new NotFoundException('job not found');
    return job;
  }

  private async hash(output: { id: string; path: string }): Promise<string> {
    const hash = createHash('sha256');
    await pipeline(await this.storage.read(output.path), hash);
    const sha256 = hash.digest('hex');
    await this.files.setSha256(output.id, sha256);
    return sha256;
  }
}
