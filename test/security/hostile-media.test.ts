import { execFileSync } from 'node:child_process';
import { constants, mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  execSandboxed,
  ffprobePath,
  fileInput,
  inspectUpload,
  MediaLimitError,
  mediaLimitsFor,
  MediaProbeError,
  probe,
} from '@app/media';
import { makeHostileCorpus, writePlaylists, type HostileItem } from '@app/media/testing';
import { HOSTILE_ITEM_NAMES } from '../support/hostile-items';

/**
 * The hostile-media corpus (libs/media/src/testing/hostile-corpus.ts) against the upload intake
 * of libs/media (probe in the sandbox → licence limits → tail decode): each file is refused with
 * a typed error, within 5 s, and no playlist makes ffprobe open a file it names.
 */
jest.setTimeout(120_000);

let dir: string;
let fifo: string;
let corpus: HostileItem[];
// The most generous licence: what is refused here is refused for everyone.
const limits = mediaLimitsFor('ENTERPRISE', {});

/**
 * Watches a FIFO for readers: opening a FIFO for reading blocks until a writer opens it, so a
 * pending open for writing completes exactly when someone (ffprobe) opens the FIFO to read it.
 * We then close our end at once: the reader sees end-of-file, nothing hangs.
 */
function watchReaders(path: string): { opened: () => boolean; stop: () => Promise<void> } {
  let opened = false;
  let stopping = false;
  const writer = open(path, 'w').then(async (handle) => {
    if (!stopping) opened = true;
    await handle.close();
  });
  return {
    opened: () => opened,
    async stop() {
      stopping = true;
      // Our own non-blocking reader releases the pending open for writing.
      const reader = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
      await writer;
      await reader.close();
    },
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vmp-hostile-'));
  // The playlists name this FIFO (a name HLS accepts as a media segment).
  fifo = join(dir, 'secret.mp4');
  execFileSync('mkfifo', [fifo]);
  corpus = await makeHostileCorpus(dir, { referencedFile: fifo });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hostile uploads', () => {
  it('has every kind of file the issue lists', () => {
    expect(corpus.map((i) => i.name).sort()).toEqual([...HOSTILE_ITEM_NAMES].sort());
  });

  it.each([
    'huge-frame',
    'ten-hours',
    'hls-playlist',
    'ffconcat-playlist',
    'hls-etc-passwd',
    'ffconcat-etc-passwd',
    'avi-wrapping-hls',
    'truncated-mp4',
    'truncated-mp4-header-intact',
    'zero-duration',
    'hour-of-audio',
  ])('refuses %s with a typed error in under 5 s, opening nothing it names', async (name) => {
    const item = corpus.find((i) => i.name === name)!;
    const readers = watchReaders(fifo);
    const started = performance.now();
    let error: unknown;
    try {
      await inspectUpload(item.path, limits);
    } catch (e) {
      error = e;
    }
    const ms = performance.now() - started;
    await readers.stop();
    expect(ms).toBeLessThan(5000);
    if (item.refusal.kind === 'limit') {
      expect(error).toBeInstanceOf(MediaLimitError);
      const e = error as MediaLimitError;
      expect(e.limit).toBe(item.refusal.limit);
      expect(e.value).toBeGreaterThan(e.max);
      expect(e.message).toBeTruthy();
    } else {
      expect(error).toBeInstanceOf(MediaProbeError);
      expect(item.refusal.reasons).toContain((error as MediaProbeError).reason);
      expect((error as MediaProbeError).detail).not.toContain(dir);
    }
    expect(readers.opened()).toBe(false);
  });

  it('names the frame size of the 16000×16000 clip against the licence’s largest frame', async () => {
    const item = corpus.find((i) => i.name === 'huge-frame')!;
    const error = await inspectUpload(item.path, mediaLimitsFor('PREMIUM', {})).catch((e) => e);
    expect((error as MediaLimitError).toJSON()).toEqual({
      limit: 'maxPixels',
      value: 256_000_000,
      max: 8_294_400,
      message: 'the video is 16000×16000; the largest accepted frame is 3840×2160',
    });
  });

  it('names the container of a refused playlist, which a 415 can quote', async () => {
    const hls = corpus.find((i) => i.name === 'hls-playlist')!;
    const concat = corpus.find((i) => i.name === 'ffconcat-playlist')!;
    await expect(probe(hls.path)).rejects.toMatchObject({ formatName: 'hls' });
    await expect(probe(concat.path)).rejects.toMatchObject({ formatName: 'concat' });
  });
});

describe('the FIFO detector', () => {
  // Without the container whitelist (only `-protocol_whitelist file`, as before issue 14),
  // ffprobe opens the file each playlist names: the detector sees it, so the tests above can fail.
  it.each(['hls-playlist', 'ffconcat-playlist'])(
    'sees ffprobe open the file %s names when the container whitelist is off',
    async (name) => {
      const item = corpus.find((i) => i.name === name)!;
      const readers = watchReaders(fifo);
      await execSandboxed(
        ffprobePath(),
        ['-v', 'error', '-protocol_whitelist', 'file', '-show_format', fileInput(item.path)],
        { timeoutMs: 20_000, maxMemoryBytes: 1024 ** 3 },
      );
      await readers.stop();
      expect(readers.opened()).toBe(true);
    },
  );
});

describe('existence oracle', () => {
  it('answers the same whether the file a playlist names exists or not', async () => {
    const real = corpus
      .find((i) => i.name === 'truncated-mp4')!
      .path.replace('truncated.mp4', 'plain.mp4');
    const messages: string[] = [];
    for (const target of [real, join(dir, 'no-such-file.mp4')]) {
      const sub = mkdtempSync(join(dir, 'oracle-'));
      const { hls, ffconcat } = writePlaylists(sub, target);
      for (const playlist of [hls, ffconcat]) {
        const e = (await probe(playlist).catch((x) => x)) as MediaProbeError;
        messages.push(`${e.reason} ${e.detail}`);
      }
    }
    expect(messages.slice(0, 2)).toEqual(messages.slice(2));
  });
});
