import {
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeStaleFiles } from './stale-files';

describe('removeStaleFiles', () => {
  let dir: string;
  const now = new Date('2026-12-01T12:00:00Z');
  const minutesAgo = (m: number): Date => new Date(now.getTime() - m * 60_000);

  function file(name: string, ageMinutes: number): string {
    const path = join(dir, name);
    writeFileSync(path, 'x');
    utimesSync(path, minutesAgo(ageMinutes), minutesAgo(ageMinutes));
    return path;
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vmp-stale-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('removes the files older than the cutoff and keeps the recent ones', async () => {
    file('crashed.upload', 120);
    file('in-progress.upload', 5);
    const removed = await removeStaleFiles(dir, { olderThanMinutes: 60, now });
    expect(removed).toEqual(['crashed.upload']);
    expect(existsSync(join(dir, 'crashed.upload'))).toBe(false);
    expect(existsSync(join(dir, 'in-progress.upload'))).toBe(true);
  });

  it('leaves folders, symbolic links and names that do not match alone', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'vmp-stale-target-'));
    try {
      const target = join(outside, 'precious');
      writeFileSync(target, 'keep');
      symlinkSync(target, join(dir, 'link.upload'));
      mkdirSync(join(dir, 'sub.upload'));
      file('notes.txt', 600);
      file('old.upload', 600);
      const removed = await removeStaleFiles(dir, {
        olderThanMinutes: 60,
        match: /\.upload$/,
        now,
      });
      expect(removed).toEqual(['old.upload']);
      expect(existsSync(target)).toBe(true);
      expect(existsSync(join(dir, 'sub.upload'))).toBe(true);
      expect(existsSync(join(dir, 'notes.txt'))).toBe(true);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('treats a missing folder as clean and refuses a cutoff that is not positive', async () => {
    await expect(removeStaleFiles(join(dir, 'nope'), { olderThanMinutes: 60 })).resolves.toEqual(
      [],
    );
    await expect(removeStaleFiles(dir, { olderThanMinutes: 0 })).rejects.toThrow(RangeError);
  });
});
