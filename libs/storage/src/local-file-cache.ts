import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Storage, StorageLocation } from './storage';

/** Copies an object into `file`, whole or not at all (written under a temporary name first). */
export async function downloadTo(
  storage: Storage,
  location: StorageLocation,
  file: string,
  signal?: AbortSignal,
): Promise<number> {
  await mkdir(path.dirname(file), { recursive: true });
  const partial = `${file}.partial-${randomUUID()}`;
  try {
    await pipeline(await storage.read(location), createWriteStream(partial), { signal });
    await rename(partial, file);
    return (await stat(file)).size;
  } finally {
    await rm(partial, { force: true });
  }
}

export interface CachedFile {
  path: string;
  /** Lets the cache evict the file again; call once, when ffmpeg is done with it. */
  release(): void;
}

interface Entry {
  path: string;
  size: number;
  pins: number;
}

/**
 * A bounded local copy of objects from a store that is not on this machine (LRU by last use,
 * `maxBytes` in all). Files in use are pinned and never evicted; a file larger than the whole
 * budget is kept only while in use. With a driver that keeps its files on this machine (local
 * disk) the object's own file is handed out and nothing is copied.
 */
export class LocalFileCache {
  /** Insertion order is recency order: a hit moves its entry to the end. */
  private readonly entries = new Map<StorageLocation, Entry>();
  private readonly loading = new Map<StorageLocation, Promise<Entry>>();
  private bytes = 0;
  private ready: Promise<void> | undefined;

  constructor(
    private readonly storage: Storage,
    readonly dir: string,
    readonly maxBytes: number,
  ) {}

  get usedBytes(): number {
    return this.bytes;
  }

  has(location: StorageLocation): boolean {
    return this.entries.has(location);
  }

  async acquire(location: StorageLocation, signal?: AbortSignal): Promise<CachedFile> {
    const own = this.storage.localFile(location);
    if (own) return { path: own, release: () => undefined };
    // The index lives in memory: whatever an earlier process left in the folder is unknown.
    this.ready ??= rm(this.dir, { recursive: true, force: true }).then(() => undefined);
    await this.ready;
    // From the lookup to the pin nothing awaits, so an eviction cannot fall in between; a file
    // evicted while its download finished is simply fetched again.
    let entry = this.entries.get(location);
    while (!entry) {
      await this.load(location, signal);
      entry = this.entries.get(location);
    }
    this.entries.delete(location);
    this.entries.set(location, entry);
    entry.pins++;
    let released = false;
    const pinned = entry;
    return {
      path: entry.path,
      release: () => {
        if (released) return;
        released = true;
        pinned.pins--;
        void this.evict();
      },
    };
  }

  private load(location: StorageLocation, signal?: AbortSignal): Promise<Entry> {
    let loading = this.loading.get(location);
    if (!loading) {
      const name = createHash('sha256').update(location).digest('hex');
      const file = path.join(this.dir, name.slice(0, 2), name + path.extname(location));
      loading = downloadTo(this.storage, location, file, signal)
        .then(async (size) => {
          const entry = { path: file, size, pins: 0 };
          this.entries.set(location, entry);
          this.bytes += size;
          await this.evict(entry);
          return entry;
        })
        .finally(() => this.loading.delete(location));
      this.loading.set(location, loading);
    }
    return loading;
  }

  /** Drops least recently used, unpinned files until the cache fits its budget. */
  private async evict(keep?: Entry): Promise<void> {
    for (const [location, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) return;
      if (entry.pins > 0 || entry === keep) continue;
      this.entries.delete(location);
      this.bytes -= entry.size;
      await rm(entry.path, { force: true });
    }
  }
}
