import { Readable } from 'node:stream';
import { readFile, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Storage } from '@app/storage';

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

    it('imports a finished local file and gives ffmpeg a local path to it', async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'vmp-contract-'));
      const file = path.join(dir, 'out.mp4');
      await writeFile(file, 'video bytes');
      const { location, size } = await storage.importFile(
        'users/u1/projects/p1/jobs/j1/out.mp4',
        file,
      );
      expect(size).toBe(11);
      expect(await readFile(await storage.localPath(location), 'utf8')).toBe('video bytes');
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
