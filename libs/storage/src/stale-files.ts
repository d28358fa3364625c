import { lstat, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

export interface StaleFilesOptions {
  /** Files last modified longer ago than this are removed. */
  olderThanMinutes: number;
  /** Only names matching this are candidates (e.g. /\.upload$/); default: every file. */
  match?: RegExp;
  /** "Now", for tests. */
  now?: Date;
}

/**
 * Removes the regular files directly in `dir` not modified for `olderThanMinutes`: the upload
 * spool after a crash (an upload in progress writes its file continuously, so a file untouched
 * for an hour is nobody's). Never follows symbolic links nor descends into folders; a missing
 * folder is nothing to clean. Returns the names removed.
 */
export async function removeStaleFiles(dir: string, options: StaleFilesOptions): Promise<string[]> {
  if (!(options.olderThanMinutes > 0)) {
    throw new RangeError(`olderThanMinutes must be positive, not ${options.olderThanMinutes}`);
  }
  const cutoff = (options.now ?? new Date()).getTime() - options.olderThanMinutes * 60_000;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const removed: string[] = [];
  for (const name of names) {
    if (options.match && !options.match.test(name)) continue;
    const path = join(dir, name);
    try {
      const info = await lstat(path);
      if (!info.isFile() || info.mtimeMs >= cutoff) continue;
      await rm(path, { force: true });
      removed.push(name);
    } catch (e) {
      // Gone in the meantime (an upload finishing): nothing to do.
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  return removed;
}
