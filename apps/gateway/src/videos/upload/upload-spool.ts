import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface SpooledFile {
  path: string;
  size: number;
}

/**
 * Streams an upload into a file of its own under `dir` (constant memory): ffprobe and the tail
 * decode need a seekable local file, whatever store the video ends up in. A failed stream leaves
 * nothing behind.
 */
export async function spoolUpload(dir: string, source: Readable): Promise<SpooledFile> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${randomUUID()}.upload`);
  try {
    await pipeline(source, createWriteStream(file, { flags: 'wx' }));
    return { path: file, size: (await stat(file)).size };
  } catch (e) {
    await rm(file, { force: true });
    throw e;
  }
}
