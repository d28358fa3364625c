import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { FfmpegRunner } from '../ffmpeg-runner';
import type { MediaProbeFailure } from '../media-errors';
import type { MediaLimitName } from '../media-limits';

/**
 * Hostile uploads, generated at test time in a second or two (docs/security.md, "Hostile media").
 * Each item says how the intake must refuse it: a probe failure (MediaProbeError's reason) or a
 * limit (MediaLimitError's limit).
 */
export type HostileName =
  | 'huge-frame'
  | 'ten-hours'
  | 'hls-playlist'
  | 'ffconcat-playlist'
  | 'hls-etc-passwd'
  | 'ffconcat-etc-passwd'
  | 'avi-wrapping-hls'
  | 'truncated-mp4'
  | 'truncated-mp4-header-intact'
  | 'zero-duration'
  | 'hour-of-audio';

export type HostileRefusal =
  | { kind: 'probe'; reasons: readonly MediaProbeFailure[] }
  | { kind: 'limit'; limit: MediaLimitName };

export interface HostileItem {
  name: HostileName;
  path: string;
  description: string;
  refusal: HostileRefusal;
}

export interface HostileCorpusOptions {
  /**
   * The local file `hls-playlist` and `ffconcat-playlist` name (two more name /etc/passwd). A
   * test points it at a FIFO or a file it watches, to prove the intake never opens it. Default: a
   * real MP4 of the corpus.
   */
  referencedFile?: string;
}

/** Generating the huge frame needs more than the runtime ceiling of one ffmpeg run. */
const runner = new FfmpegRunner({
  maxConcurrent: 2,
  sandbox: { maxMemoryBytes: 8 * 1024 * 1024 * 1024 },
});

/**
 * Writes the corpus into `dir` and describes it. Costs: the 16000×16000 frame about 3 s of one
 * core (x264 encodes it: one black frame, 750 kB); everything else well under a second.
 */
export async function makeHostileCorpus(
  dir: string,
  options: HostileCorpusOptions = {},
): Promise<HostileItem[]> {
  mkdirSync(dir, { recursive: true });
  const at = (name: string): string => join(dir, name);
  const x264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'];

  // A plain 2-second clip: the playlists' default target and the source of the truncated files.
  const plain = at('plain.mp4');
  const plainFast = at('plain-faststart.mp4');
  await Promise.all([
    runner.run([
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=320x180:rate=25:duration=2',
      ...x264,
      '-y',
      plain,
    ]),
    runner.run(
      ['-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=25:duration=2', ...x264].concat([
        '-movflags',
        '+faststart',
        '-y',
        plainFast,
      ]),
    ),
  ]);
  const referenced = options.referencedFile ?? plain;

  const items: HostileItem[] = [];
  const add = (item: HostileItem): void => void items.push(item);

  await makeHugeFrame(at('huge-frame.mp4'));
  add({
    name: 'huge-frame',
    path: at('huge-frame.mp4'),
    description: 'one H.264 frame of 16000×16000 (384 MB decoded) in 750 kB',
    refusal: { kind: 'limit', limit: 'maxPixels' },
  });

  // Ten hours at one frame every ten minutes: 60 frames of 16×16, a few kB.
  await runner.run(
    ['-f', 'lavfi', '-i', 'color=s=16x16:r=1/600:d=36000', ...x264].concat([
      '-y',
      at('ten-hours.mp4'),
    ]),
  );
  add({
    name: 'ten-hours',
    path: at('ten-hours.mp4'),
    description: 'a 10-hour clip of 60 tiny frames',
    refusal: { kind: 'limit', limit: 'maxDurationSeconds' },
  });

  // Two seconds of picture, an hour of 1 kHz 8-bit PCM silence (3.6 MB, no encoding cost).
  await runner.run(
    [
      '-f',
      'lavfi',
      '-i',
      'color=s=16x16:r=10:d=2',
      '-f',
      'lavfi',
      '-i',
      'anullsrc=r=1000:cl=mono',
    ].concat(['-t', '3600', ...x264, '-c:a', 'pcm_u8', '-y', at('hour-of-audio.mkv')]),
  );
  add({
    name: 'hour-of-audio',
    path: at('hour-of-audio.mkv'),
    description: '2 s of video with an hour of sound',
    refusal: { kind: 'limit', limit: 'maxAudioOverhangSeconds' },
  });

  const playlists = writePlaylists(dir, referenced);
  const passwd = writePlaylists(dir, '/etc/passwd', 'passwd');
  for (const [name, path, format] of [
    ['hls-playlist', playlists.hls, 'HLS playlist'],
    ['ffconcat-playlist', playlists.ffconcat, 'ffconcat list'],
    ['hls-etc-passwd', passwd.hls, 'HLS playlist'],
    ['ffconcat-etc-passwd', passwd.ffconcat, 'ffconcat list'],
  ] as const) {
    add({
      name,
      path,
      description: `an ${format} naming ${name.endsWith('passwd') ? '/etc/passwd' : 'a local media file'}`,
      refusal: { kind: 'probe', reasons: ['UNSUPPORTED_CONTAINER'] },
    });
  }

  writeFileSync(at('hls-in-gab2.avi'), aviWrappingPlaylist(readFileSync(playlists.hls)));
  add({
    name: 'avi-wrapping-hls',
    path: at('hls-in-gab2.avi'),
    description: 'an AVI whose GAB2 subtitle chunk carries the HLS playlist (the 2017 SSRF trick)',
    refusal: { kind: 'probe', reasons: ['NO_VIDEO_STREAM', 'NOT_A_VIDEO', 'CORRUPT'] },
  });

  const whole = readFileSync(plain);
  writeFileSync(at('truncated.mp4'), whole.subarray(0, Math.floor(whole.length / 2)));
  add({
    name: 'truncated-mp4',
    path: at('truncated.mp4'),
    description: 'an MP4 cut in half (its index, at the end, lost)',
    refusal: { kind: 'probe', reasons: ['CORRUPT'] },
  });

  const fast = readFileSync(plainFast);
  writeFileSync(at('truncated-header.mp4'), fast.subarray(0, Math.floor(fast.length / 2)));
  add({
    name: 'truncated-mp4-header-intact',
    path: at('truncated-header.mp4'),
    description:
      'an MP4 with its index first, cut in half: it probes whole, its tail does not decode',
    refusal: { kind: 'probe', reasons: ['CORRUPT'] },
  });

  await runner.run(
    ['-f', 'lavfi', '-i', 'color=s=16x16:r=1:d=1', '-frames:v', '1', ...x264].concat([
      '-movflags',
      '+faststart',
      '-y',
      at('one-frame.mp4'),
    ]),
  );
  writeFileSync(at('zero-duration.mp4'), zeroDurations(readFileSync(at('one-frame.mp4'))));
  add({
    name: 'zero-duration',
    path: at('zero-duration.mp4'),
    description: 'a one-frame MP4 whose movie, track, media and sample durations are all 0',
    refusal: { kind: 'probe', reasons: ['ZERO_DURATION'] },
  });

  return items;
}

/**
 * A single black 16000×16000 H.264 frame: x264 accepts the size (past level 6.2's, which it only
 * warns about); 750 kB on disk, 384 MB decoded. About 3 s of one core.
 */
export async function makeHugeFrame(path: string): Promise<string> {
  await runner.run(
    ['-f', 'lavfi', '-i', 'color=c=black:s=16000x16000:r=1:d=1', '-frames:v', '1'].concat([
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      '-y',
      path,
    ]),
  );
  return path;
}

/**
 * Writes an HLS playlist and an ffconcat list into `dir` (named `<stem>.m3u8`, `<stem>.ffconcat`),
 * each naming `referencedFile`: by its path relative to `dir`, as both formats resolve it, or
 * absolute when it lies outside `dir`. One entry each: ffmpeg checks every entry of a list
 * before opening the first, so a list mixing a media file with /etc/passwd opens neither.
 */
export function writePlaylists(
  dir: string,
  referencedFile: string,
  stem = 'playlist',
): { hls: string; ffconcat: string } {
  const rel = relative(dir, referencedFile);
  const target = rel.startsWith('..') ? referencedFile : rel;
  const hls = join(dir, `${stem}.m3u8`);
  writeFileSync(
    hls,
    ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-TARGETDURATION:2', '#EXT-X-MEDIA-SEQUENCE:0']
      .concat(['#EXTINF:2.0,', target, '#EXT-X-ENDLIST', ''])
      .join('\n'),
  );
  const ffconcat = join(dir, `${stem}.ffconcat`);
  writeFileSync(ffconcat, ['ffconcat version 1.0', `file '${target}'`, ''].join('\n'));
  return { hls, ffconcat };
}

function chunk(id: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.write(id, 0, 'latin1');
  head.writeUInt32LE(body.length, 4);
  return Buffer.concat([head, body, Buffer.alloc(body.length % 2)]);
}

function list(type: string, ...children: Buffer[]): Buffer {
  return chunk('LIST', Buffer.concat([Buffer.from(type, 'latin1'), ...children]));
}

/**
 * Pure: a RIFF AVI with one `txts` (subtitle) stream whose first chunk is a GAB2 block carrying
 * `payload`: ffmpeg's AVI demuxer probes a GAB2 block's content with every demuxer it has, which
 * is how an HLS playlist once got opened from inside an "AVI" (ffmpeg now only takes SRT/ASS
 * there; the container whitelist is the second lock).
 */
export function aviWrappingPlaylist(payload: Buffer): Buffer {
  const avih = Buffer.alloc(56);
  avih.writeUInt32LE(40_000, 0); // µs per frame
  // flags (offset 12) 0: no index, the demuxer reads the chunks in order.
  avih.writeUInt32LE(1, 16); // total frames
  avih.writeUInt32LE(1, 24); // streams
  avih.writeUInt32LE(16, 32); // width
  avih.writeUInt32LE(16, 36); // height
  const strh = Buffer.alloc(56);
  strh.write('txts', 0, 'latin1');
  strh.writeUInt32LE(1, 20); // scale
  strh.writeUInt32LE(25, 24); // rate
  strh.writeUInt32LE(1, 32); // length
  const title = Buffer.from('x\0', 'utf16le');
  const gabHead = Buffer.alloc(7);
  gabHead.write('GAB2\0', 0, 'latin1');
  gabHead.writeUInt16LE(2, 5);
  const descLen = Buffer.alloc(4);
  descLen.writeUInt32LE(title.length, 0);
  const tail = Buffer.alloc(6);
  tail.writeUInt16LE(4, 0);
  tail.writeUInt32LE(payload.length, 2);
  const gab2 = Buffer.concat([gabHead, descLen, title, tail, payload]);
  const hdrl = list(
    'hdrl',
    chunk('avih', avih),
    list('strl', chunk('strh', strh), chunk('strf', Buffer.alloc(4))),
  );
  const movi = list('movi', chunk('00tx', gab2));
  const body = Buffer.concat([Buffer.from('AVI ', 'latin1'), hdrl, movi]);
  return chunk('RIFF', body);
}

/**
 * Pure: an MP4 with every duration of its index set to 0 (mvhd, tkhd, mdhd, and each stts
 * delta). Walks the boxes of `moov` only, so media data is never mistaken for a box.
 */
export function zeroDurations(mp4: Buffer): Buffer {
  const out = Buffer.from(mp4);
  const containers = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl']);
  const walk = (start: number, end: number, inMoov: boolean): void => {
    let at = start;
    while (at + 8 <= end) {
      const size = out.readUInt32BE(at);
      const type = out.toString('latin1', at + 4, at + 8);
      if (size < 8 || at + size > end) return;
      const body = at + 8;
      const v1 = out[body] === 1;
      if (type === 'moov' || (inMoov && containers.has(type))) walk(body, at + size, true);
      else if (inMoov && (type === 'mvhd' || type === 'mdhd')) {
        if (v1) out.writeBigUInt64BE(0n, body + 4 + 8 + 8 + 4);
        else out.writeUInt32BE(0, body + 4 + 4 + 4 + 4);
      } else if (inMoov && type === 'tkhd') {
        if (v1) out.writeBigUInt64BE(0n, body + 4 + 8 + 8 + 4 + 4);
        else out.writeUInt32BE(0, body + 4 + 4 + 4 + 4 + 4);
      } else if (inMoov && type === 'stts') {
        const entries = out.readUInt32BE(body + 4);
        for (let i = 0; i < entries; i++) out.writeUInt32BE(0, body + 8 + i * 8 + 4);
      }
      at += size;
    }
  };
  walk(0, out.length, false);
  return out;
}
