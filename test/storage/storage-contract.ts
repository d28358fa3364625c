import { Readable } from 'node:stream';
import { readFile, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { downloadTo, LocalFileCache, type Storage } from '@app/storage';

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks).toString();
}

/** The behaviour every storage driver promises; each driver's test file runs this suite. */
export function describeStorageContract(driver: string, make: () => Promise<Storage>): void {
  describe(`storage contract: ${driver}`, () => {
    let storage: Storage;
    beforeAll(async () => {
      storage = await make();
    });

    it('writes a stream and reads it back whole and by range', async () => {
      const { location, size } = await storage.write(
        'users/u1/projects/p1/sources/a.txt',
        Readable.from(['hello ', 'world']),
      );
      expect(size).toBe(11);
      expect(await storage.size(location)).toBe(11);
      expect(await text(await storage.read(location))).toBe('hello world');
      expect(await text(await storage.read(location, { start: 6, end: 10 }))).toBe('world');
    });

    it('leaves nothing under the final name when the source fails midway', async () => {
      const failing = new Readable({
        read() {
          this.push('partial');
          this.destroy(new Error('client went away'));
        },
      });
      const key = 'users/u1/projects/p1/sources/broken.bin';
      await expect(storage.write(key, failing)).rejects.toThrow('client went away');
      expect(await storage.size(storage.locationOf(key))).toBeNull();
    });

    it('imports a finished local file (consuming it) and downloads it back', async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'vmp-contract-'));
      const file = path.join(dir, 'out.mp4');
      await writeFile(file, 'video bytes');
      const { location, size } = await storage.importFile(
        'users/u1/projects/p1/jobs/j1/out.mp4',
        file,
      );
      expect(size).toBe(11);
      await expect(readFile(file)).rejects.toThrow();
      const copy = path.join(dir, 'copy.mp4');
      expect(await downloadTo(storage, location, copy)).toBe(11);
      expect(await readFile(copy, 'utf8')).toBe('video bytes');
    });

    it('keeps large objects byte for byte, and serves ranges across chunk boundaries', async () => {
      const bytes = randomBytes(3 * 1024 * 1024 + 17);
      const { location, size } = await storage.write(
        'users/u1/projects/p1/sources/big.bin',
        Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]),
      );
      expect(size).toBe(bytes.length);
      const whole: Buffer[] = [];
      for await (const c of await storage.read(location)) whole.push(Buffer.from(c));
      expect(Buffer.concat(whole).equals(bytes)).toBe(true);
      const start = 128 * 1024 - 5;
      const end = 2 * 1024 * 1024 + 3;
      const part: Buffer[] = [];
      for await (const c of await storage.read(location, { start, end })) part.push(Buffer.from(c));
      expect(Buffer.concat(part).equals(bytes.subarray(start, end + 1))).toBe(true);
    });

    it('hands ffmpeg a local file through the LRU cache, within its byte budget', async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'vmp-cache-'));
      const cache = new LocalFileCache(storage, dir, 2500);
      const put = async (name: string) =>
        (
          await storage.write(
            `users/u5/projects/p/sources/${name}`,
            Readable.from([Buffer.alloc(1000, name)]),
          )
        ).location;
      const [a, b, c] = [await put('a'), await put('b'), await put('c')];
      const fa = await cache.acquire(a);
      expect(await readFile(fa.path, 'utf8')).toBe('a'.repeat(1000));
      fa.release();
      (await cache.acquire(b)).release();
      const pinned = await cache.acquire(c);
      if (storage.localFile(a)) {
        // A driver with files on this machine: its own files are handed out, nothing copied.
        expect(fa.path).toBe(storage.localFile(a));
        expect(cache.usedBytes).toBe(0);
      } else {
        // 3000 bytes asked of a 2500-byte budget: the least recently used (a) went first.
        expect(cache.has(a)).toBe(false);
        expect(cache.has(b) && cache.has(c)).toBe(true);
        expect(cache.usedBytes).toBeLessThanOrEqual(2500);
        await expect(readFile(fa.path)).rejects.toThrow();
        expect(await readFile(pinned.path, 'utf8')).toBe('c'.repeat(1000));
      }
      pinned.release();
    });

    it('deletes one object, then a whole prefix, and tolerates missing ones', async () => {
      const a = await storage.write('users/u2/projects/p9/sources/a.bin', Readable.from(['a']));
      const b = await storage.write('users/u2/projects/p9/jobs/j/b.bin', Readable.from(['b']));
      await storage.delete(a.location);
      expect(await storage.size(a.location)).toBeNull();
      await storage.delete(a.location);
      await storage.deletePrefix('users/u2/projects/p9');
      expect(await storage.size(b.location)).toBeNull();
    });

    it('refuses keys that try to leave their folder', () => {
      for (const key of [
        '../etc/passwd',
        'users/../../x',
        '/abs/path',
        'users//x',
        'a/.hidden/b',
      ]) {
        expect(() => storage.locationOf(key)).toThrow(/unsafe storage key/);
      }
    });

    it('reports a missing object as such', async () => {
      const location = storage.locationOf('users/u3/projects/p/sources/none.mp4');
      expect(await storage.size(location)).toBeNull();
      await expect(storage.read(location)).rejects.toThrow();
    });
  });
}
