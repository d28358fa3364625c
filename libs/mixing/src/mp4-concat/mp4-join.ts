import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import {
  box,
  fullBox,
  requireChild,
  serialize,
  UnsupportedMediaError,
  table,
  words,
  type BoxNode,
} from './boxes';
import type { Mp4Index, TrackIndex } from './mp4-index';
import { metadataBox } from './metadata-box';

/**
 * Joins MP4/MOV files of identical stream parameters (our mezzanines) into one file by copying
 * their media data byte for byte and writing one index for the whole: the same result as
 * ffmpeg's concat demuxer with stream copy and `+faststart`, at the cost of a file copy.
 *
 * Each part keeps its own timing: where two parts' presented ranges meet in the joined media
 * timeline (video: the next part starts with its IDR frame right where the last frame ended)
 * one edit covers both; where they don't (AAC's priming samples at the start of every part, and
 * the padding of the last frame at its end) the edit list gets one entry per part, so every
 * part's sound plays exactly its own length and stays in step with its picture.
 */

export type Brand = 'mp4' | 'mov';

const FTYP: Record<Brand, Buffer> = {
  mp4: box(
    'ftyp',
    Buffer.from('isom', 'latin1'),
    words(0x200),
    Buffer.from('isomiso2avc1mp41', 'latin1'),
  ),
  mov: box('ftyp', Buffer.from('qt  ', 'latin1'), words(0x20050300), Buffer.from('qt  ', 'latin1')),
};

interface Edit {
  /** In the movie timescale. */
  duration: number;
  /** In the track's media timescale. */
  mediaTime: number;
  /** The edit's length in the media timescale. */
  presentedMedia: number;
}

/** Throws UnsupportedMediaError unless the parts can be joined by copy. */
export function assertJoinable(parts: readonly Mp4Index[]): void {
  if (parts.length === 0) throw new UnsupportedMediaError('nothing to join');
  const [first] = parts;
  for (const part of parts) {
    if (part.tracks.length !== first.tracks.length) {
      throw new UnsupportedMediaError(`${part.path} has another number of tracks`);
    }
    part.tracks.forEach((track, i) => {
      const model = first.tracks[i];
      const same =
        track.handler === model.handler &&
        track.timescale === model.timescale &&
        track.descriptionKey === model.descriptionKey &&
        (track.sampleGroup?.payload.toString('hex') ?? '') ===
          (model.sampleGroup?.payload.toString('hex') ?? '');
      if (!same) throw new UnsupportedMediaError(`${part.path}: track ${i + 1} differs`);
    });
  }
}

/** The movie timescale: the sound track's (every part's sound edit is whole samples). */
function movieTimescale(parts: readonly Mp4Index[]): number {
  const tracks = parts[0].tracks;
  return (tracks.find((t) => t.handler === 'soun') ?? tracks[0]).timescale;
}

/**
 * Pure: the joined file's header (ftyp, moov and the mdat header) and the byte ranges of the
 * parts to copy after it, in order.
 */
export function buildJoinedHeader(
  parts: readonly Mp4Index[],
  brand: Brand,
  metadata: Record<string, string>,
): { header: Buffer; copies: { path: string; start: number; end: number }[] } {
  assertJoinable(parts);
  const payload = parts.reduce((s, p) => s + (p.dataEnd - p.dataStart), 0);
  const build = (co64: boolean): Buffer => {
    const mdatHeader = Buffer.alloc(payload + 8 > 0xffffffff ? 16 : 8);
    mdatHeader.write('mdat', 4, 'latin1');
    if (mdatHeader.length === 8) mdatHeader.writeUInt32BE(payload + 8, 0);
    else {
      mdatHeader.writeUInt32BE(1, 0);
      mdatHeader.writeBigUInt64BE(BigInt(payload + 16), 8);
    }
    // Chunk offsets are written relative to the media data, then moved past the header.
    const moov = buildMoov(parts, metadata, co64);
    shiftChunkOffsets(moov, FTYP[brand].length + moov.length + mdatHeader.length);
    return Buffer.concat([FTYP[brand], moov, mdatHeader]);
  };
  // 32-bit chunk offsets unless the file passes 4 GiB.
  const fits = payload + 64 * 1024 * 1024 < 0xffffffff;
  const header = fits ? build(false) : build(true);
  return {
    header,
    copies: parts.map((p) => ({ path: p.path, start: p.dataStart, end: p.dataEnd })),
  };
}

function buildMoov(
  parts: readonly Mp4Index[],
  metadata: Record<string, string>,
  co64: boolean,
): Buffer {
  const timescale = movieTimescale(parts);
  // Where each part's media data lands in the joined file.
  const shifts: number[] = [];
  let at = 0;
  for (const part of parts) {
    shifts.push(at - part.dataStart);
    at += part.dataEnd - part.dataStart;
  }
  const traks: Buffer[] = [];
  let movieDuration = 0;
  parts[0].tracks.forEach((_, t) => {
    const tracks = parts.map((p) => p.tracks[t]);
    const built = buildTrak(tracks, shifts, timescale, co64);
    movieDuration = Math.max(movieDuration, built.duration);
    traks.push(built.trak);
  });
  const mvhd = patchTimes(parts[0].mvhd, timescale, movieDuration);
  const udta = metadataBox(metadata);
  return box('moov', serialize(mvhd), ...traks, ...(udta ? [udta] : []));
}

function buildTrak(
  tracks: readonly TrackIndex[],
  shifts: readonly number[],
  movieScale: number,
  co64: boolean,
): { trak: Buffer; duration: number } {
  const [first] = tracks;
  const durations = tracks.flatMap((t) => t.durations);
  const offsets = tracks.flatMap((t) => t.compositionOffsets);
  const sizes = tracks.flatMap((t) => t.sizes);
  const perChunk = tracks.flatMap((t) => t.samplesPerChunk);
  const chunks = tracks.flatMap((t, p) => t.chunkOffsets.map((o) => o + shifts[p]));
  const edits: Edit[] = [];
  const sync: number[] = [];
  let mediaStart = 0;
  let samplesBefore = 0;
  for (const t of tracks) {
    const duration = Math.round((t.presentedDuration * movieScale) / t.timescale);
    const mediaTime = mediaStart + t.mediaTime;
    const last = edits[edits.length - 1];
    if (last && last.mediaTime + last.presentedMedia === mediaTime) {
      last.duration += duration;
      last.presentedMedia += t.presentedDuration;
    } else {
      edits.push({ duration, mediaTime, presentedMedia: t.presentedDuration });
    }
    const own = t.syncSamples ?? t.sizes.map((_, i) => i + 1);
    for (const n of own) sync.push(n + samplesBefore);
    samplesBefore += t.sizes.length;
    mediaStart += t.durations.reduce((s, d) => s + d, 0);
  }
  const trackDuration = edits.reduce((s, e) => s + e.duration, 0);
  const allSync = tracks.every((t) => t.syncSamples === null);
  const hasCtts = tracks.some((t) => t.cttsVersion !== null);

  const stblSource = requireChild(first.trak, 'mdia', 'minf', 'stbl');
  const stbl: Buffer[] = [serialize(requireChild(stblSource, 'stsd')), runs('stts', durations, 0)];
  if (hasCtts) stbl.push(runs('ctts', offsets, offsets.some((o) => o < 0) ? 1 : 0));
  if (!allSync) stbl.push(fullBox('stss', 0, 0, table([sync.length], sync)));
  stbl.push(chunkRuns(perChunk));
  const fixed = sizes.every((s) => s === sizes[0]);
  stbl.push(
    fixed
      ? fullBox('stsz', 0, 0, words(sizes[0], sizes.length))
      : fullBox('stsz', 0, 0, table([0, sizes.length], sizes)),
  );
  stbl.push(co64 ? chunkOffsets64(chunks) : fullBox('stco', 0, 0, table([chunks.length], chunks)));
  if (first.sampleGroup) {
    const groupType = first.sampleGroup.payload.subarray(4, 8);
    stbl.push(serialize(first.sampleGroup));
    stbl.push(fullBox('sbgp', 0, 0, groupType, words(1, sizes.length, 1)));
  }

  const mdiaSource = requireChild(first.trak, 'mdia');
  const mediaDuration = durations.reduce((s, d) => s + d, 0);
  const mdia = (mdiaSource.children ?? []).map((c) => {
    if (c.type === 'mdhd') return serialize(patchTimes(c, first.timescale, mediaDuration));
    if (c.type !== 'minf') return serialize(c);
    const minf = (c.children ?? []).map((m) =>
      m.type === 'stbl' ? box('stbl', ...stbl) : serialize(m),
    );
    return box('minf', ...minf);
  });
  const tkhd = patchTrackDuration(requireChild(first.trak, 'tkhd'), trackDuration);
  const trak = box('trak', serialize(tkhd), editList(edits), box('mdia', ...mdia));
  return { trak, duration: trackDuration };
}

/** Adds `base` to every chunk offset of a serialized moov, in place. */
function shiftChunkOffsets(moov: Buffer, base: number): void {
  const visit = (start: number, end: number): void => {
    for (let at = start; at + 8 <= end;) {
      const size = moov.readUInt32BE(at);
      const type = moov.toString('latin1', at + 4, at + 8);
      if (size < 8) throw new UnsupportedMediaError('unexpected box size in the built moov');
      if (CONTAINERS_WITH_TABLES.has(type)) visit(at + 8, at + size);
      else if (type === 'stco' || type === 'co64') {
        const count = moov.readUInt32BE(at + 12);
        for (let i = 0; i < count; i++) {
          if (type === 'stco') {
            const entry = at + 16 + i * 4;
            const value = moov.readUInt32BE(entry) + base;
            if (value > 0xffffffff) throw new UnsupportedMediaError('chunk offset overflows stco');
            moov.writeUInt32BE(value, entry);
          } else {
            const entry = at + 16 + i * 8;
            moov.writeBigUInt64BE(moov.readBigUInt64BE(entry) + BigInt(base), entry);
          }
        }
      }
      at += size;
    }
  };
  visit(8, moov.length);
}

const CONTAINERS_WITH_TABLES = new Set(['trak', 'mdia', 'minf', 'stbl']);

/** stts/ctts: values as (count, value) runs. */
function runs(type: 'stts' | 'ctts', values: readonly number[], version: number): Buffer {
  const entries: number[] = [];
  for (let i = 0; i < values.length;) {
    let j = i;
    while (j < values.length && values[j] === values[i]) j++;
    entries.push(j - i, values[i]);
    i = j;
  }
  return fullBox(type, version, 0, table([entries.length / 2], entries));
}

/** stsc: a row wherever the number of samples per chunk changes. */
function chunkRuns(perChunk: readonly number[]): Buffer {
  const rows: number[] = [];
  perChunk.forEach((n, i) => {
    if (i === 0 || n !== perChunk[i - 1]) rows.push(i + 1, n, 1);
  });
  return fullBox('stsc', 0, 0, table([rows.length / 3], rows));
}

function chunkOffsets64(offsets: readonly number[]): Buffer {
  const body = Buffer.alloc(4 + offsets.length * 8);
  body.writeUInt32BE(offsets.length, 0);
  offsets.forEach((o, i) => body.writeBigUInt64BE(BigInt(o), 4 + i * 8));
  return fullBox('co64', 0, 0, body);
}

function editList(edits: readonly Edit[]): Buffer {
  const wide = edits.some((e) => e.duration > 0xffffffff || e.mediaTime > 0x7fffffff);
  const body = Buffer.alloc(4 + edits.length * (wide ? 20 : 12));
  body.writeUInt32BE(edits.length, 0);
  edits.forEach((e, i) => {
    const at = 4 + i * (wide ? 20 : 12);
    if (wide) {
      body.writeBigUInt64BE(BigInt(e.duration), at);
      body.writeBigInt64BE(BigInt(e.mediaTime), at + 8);
      body.writeUInt32BE(0x10000, at + 16);
    } else {
      body.writeUInt32BE(e.duration, at);
      body.writeInt32BE(e.mediaTime, at + 4);
      body.writeUInt32BE(0x10000, at + 8);
    }
  });
  return box('edts', fullBox('elst', wide ? 1 : 0, 0, body));
}

/** mvhd/mdhd with a new timescale and duration (same layout in both). */
function patchTimes(node: BoxNode, timescale: number, duration: number): BoxNode {
  const payload = Buffer.from(node.payload);
  if (payload[0] === 1) {
    payload.writeUInt32BE(timescale, 20);
    payload.writeBigUInt64BE(BigInt(duration), 24);
  } else {
    if (duration > 0xffffffff) throw new UnsupportedMediaError(`${node.type} duration overflows`);
    payload.writeUInt32BE(timescale, 12);
    payload.writeUInt32BE(duration, 16);
  }
  return { type: node.type, payload };
}

function patchTrackDuration(tkhd: BoxNode, duration: number): BoxNode {
  const payload = Buffer.from(tkhd.payload);
  if (payload[0] === 1) payload.writeBigUInt64BE(BigInt(duration), 28);
  else {
    if (duration > 0xffffffff) throw new UnsupportedMediaError('tkhd duration overflows');
    payload.writeUInt32BE(duration, 20);
  }
  return { type: 'tkhd', payload };
}

const COPY_BUFFER_BYTES = 8 << 20;
let copyBuffer: Buffer | undefined;

/**
 * Writes the joined file to `out`: header, then each part's media data. The copy is
 * synchronous, through one shared buffer: a part is a few megabytes read from the page cache,
 * which takes a millisecond or two, less than the thread pool's round trips of an async copy.
 * The event loop gets a turn between parts, and `signal` is checked there.
 */
export async function writeJoined(
  parts: readonly Mp4Index[],
  out: string,
  brand: Brand,
  metadata: Record<string, string>,
  signal?: AbortSignal,
): Promise<void> {
  const { header, copies } = buildJoinedHeader(parts, brand, metadata);
  copyBuffer ??= Buffer.allocUnsafe(COPY_BUFFER_BYTES);
  const target = openSync(out, 'w');
  try {
    writeSync(target, header, 0, header.length, 0);
    let position = header.length;
    for (const copy of copies) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      signal?.throwIfAborted();
      position += copyRange(copy, target, position, copyBuffer);
    }
  } finally {
    closeSync(target);
  }
}

function copyRange(
  copy: { path: string; start: number; end: number },
  target: number,
  position: number,
  buffer: Buffer,
): number {
  const source = openSync(copy.path, 'r');
  try {
    let written = 0;
    for (let at = copy.start; at < copy.end;) {
      const bytesRead = readSync(source, buffer, 0, Math.min(buffer.length, copy.end - at), at);
      if (bytesRead === 0)
        throw new UnsupportedMediaError(`${copy.path} is shorter than its index`);
      writeSync(target, buffer, 0, bytesRead, position + written);
      at += bytesRead;
      written += bytesRead;
    }
    return written;
  } finally {
    closeSync(source);
  }
}
