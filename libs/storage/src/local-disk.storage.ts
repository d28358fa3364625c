import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat, copyFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertSafeKey, type ByteRange, type Storage, type WriteResult } from './storage';

/**
 * Local-disk storage under one root folder (STORAGE_DIR). Locations are `file://` URLs of
 * absolute paths (bare absolute paths, as older rows hold, are read too). Writes go to `<root>/.tmp/<uuid>` and are renamed into place when
 * complete, so a partial file never has a final name.
 */
export class LocalDiskStorage implements Storage {
  readonly driver = 'local' as const;
  readonly root: string;
  private readonly tmpDir: string;

  constructor(root: string) {
    this.root = path.resolve(root);
    this.tmpDir = path.join(this.root, '.tmp');
  }

  locationOf(key: string): string {
    return pathToFileURL(this.fileOf(key)).href;
  }

  private fileOf(key: string): string {
    assertSafeKey(key);
    return path.join(this.root, key);
  }

  async write(
    key: string,
    source: Readable,
    options: { signal?: AbortSignal } = {},
  ): Promise<WriteResult> {
    const final = this.fileOf(key);
    const tmp = await this.tempPath();
    try {
      await pipeline(source, createWriteStream(tmp, { flags: 'wx' }), { signal: options.signal });
      return await this.moveIntoPlace(tmp, final);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  }

  async importFile(key: string, localFile: string): Promise<WriteResult> {
    const final = this.fileOf(key);
    try {
      return await this.moveIntoPlace(localFile, final);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
      // Another filesystem: copy to a temp name beside the root, then rename.
      const tmp = await this.tempPath();
      await copyFile(localFile, tmp);
      await unlink(localFile);
      return this.moveIntoPlace(tmp, final);
    }
  }

  async read(location: string, range?: ByteRange): Promise<Readable> {
    const file = this.ownPath(location);
    await stat(file); // a missing file rejects here, not later on the stream
    return createReadStream(file, range ? { start: range.start, end: range.end } : {});
  }

  async size(location: string): Promise<number | null> {
    try {
      return (await stat(this.ownPath(location))).size;
    } catch {
      return null;
    }
  }

  localFile(location: string): string {
    return this.ownPath(location);
  }

  async delete(location: string): Promise<void> {
    await rm(this.ownPath(location), { force: true });
  }

  async deletePrefix(prefix: string): Promise<void> {
    await rm(this.fileOf(prefix), { recursive: true, force: true });
  }

  /** A path handed in from the database must lie inside the root. */
  private ownPath(location: string): string {
    const file = location.startsWith('file:') ? fileURLToPath(location) : location;
    const resolved = path.resolve(file);
    if (!resolved.startsWith(this.root + path.sep)) {
      throw new Error(`location outside the storage root: ${location}`);
    }
    return resolved;
  }

  private async tempPath(): Promise<string> {
    await mkdir(this.tmpDir, { recursive: true });
    return path.join(this.tmpDir, randomUUID());
  }

  private async moveIntoPlace(from: string, final: string): Promise<WriteResult> {
    await mkdir(path.dirname(final), { recursive: true });
    await rename(from, final);
    return { location: pathToFileURL(final).href, size: (await stat(final)).size };
  }
}
