import { open } from 'node:fs/promises';
import {
  boxHeader,
  child,
  parseBoxes,
  requireChild,
  UnsupportedMediaError,
  type BoxNode,
} from './boxes';

/** One track's sample tables, expanded to plain arrays (mezzanines hold a few thousand samples). */
export interface TrackIndex {
  handler: 'vide' | 'soun';
  trak: BoxNode;
  timescale: number;
  /** Decode duration of each sample, in the track's timescale. */
  durations: number[];
  /** Composition offset of each sample (0 without a ctts box). */
  compositionOffsets: number[];
  cttsVersion: number | null;
  /** 1-based numbers of sync samples; null when every sample is one (no stss box). */
  syncSamples: number[] | null;
  sizes: number[];
  /** Absolute file offset of each chunk, and how many samples it holds. */
  chunkOffsets: number[];
  samplesPerChunk: number[];
  /** Where presentation starts in the media timeline (the single edit's media time). */
  mediaTime: number;
  /** Presented length in the track's timescale: from mediaTime to the last sample's end. */
  presentedDuration: number;
  /** sgpd/sbgp sample groups of one description covering every sample (AAC's roll), if any. */
  sampleGroup: BoxNode | null;
  /** The sample description with the fields that vary between encodes cleared. */
  descriptionKey: string;
}

export interface Mp4Index {
  path: string;
  mvhd: BoxNode;
  tracks: TrackIndex[];
  /** Byte range of the media data (mdat payload) in the file. */
  dataStart: number;
  dataEnd: number;
}

const KNOWN_STBL = new Set([
  'stsd',
  'stts',
  'ctts',
  'stss',
  'stsc',
  'stsz',
  'stco',
  'co64',
  'sgpd',
  'sbgp',
]);

/** Mezzanine indexes by path, each read once (one cache per job: the files don't change). */
export class Mp4IndexCache {
  private readonly indexes = new Map<string, Promise<Mp4Index>>();

  get(path: string): Promise<Mp4Index> {
    let index = this.indexes.get(path);
    if (!index) {
      index = readMp4Index(path);
      this.indexes.set(path, index);
    }
    return index;
  }
}

/** Reads a MOV/MP4 file's moov and locates its single mdat, without reading the media. */
export async function readMp4Index(path: string): Promise<Mp4Index> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    let moov: Buffer | null = null;
    let data: { start: number; end: number } | null = null;
    const head = Buffer.alloc(16);
    for (let at = 0; at + 8 <= size;) {
      await file.read(head, 0, 16, at);
      // The header is read alone: its box may run to `size - at`, the rest of the file.
      const header = boxHeader(head, 0, size - at);
      if (!header) break;
      const { type, headerSize, size: boxSize } = header;
      if (type === 'moov') {
        moov = Buffer.alloc(boxSize - headerSize);
        await file.read(moov, 0, moov.length, at + headerSize);
      } else if (type === 'mdat') {
        if (data) throw new UnsupportedMediaError('more than one mdat');
        data = { start: at + headerSize, end: at + boxSize };
      }
      at += boxSize;
    }
    if (!moov || !data) throw new UnsupportedMediaError('no moov or no mdat');
    const root: BoxNode = { type: 'moov', payload: moov, children: parseBoxes(moov) };
    const traks = (root.children ?? []).filter((c) => c.type === 'trak');
    const tracks = traks.map(readTrack);
    // Only the mdat is copied: every sample has to lie inside it.
    for (const track of tracks) assertInside(track, data.start, data.end);
    return {
      path,
      mvhd: requireChild(root, 'mvhd'),
      tracks,
      dataStart: data.start,
      dataEnd: data.end,
    };
  } finally {
    await file.close();
  }
}

function assertInside(track: TrackIndex, start: number, end: number): void {
  let sample = 0;
  track.chunkOffsets.forEach((offset, chunk) => {
    let bytes = 0;
    for (let i = 0; i < track.samplesPerChunk[chunk]; i++) bytes += track.sizes[sample++];
    if (offset < start || offset + bytes > end) {
      throw new UnsupportedMediaError('a chunk lies outside the mdat');
    }
  });
}

function readTrack(trak: BoxNode): TrackIndex {
  const mdia = requireChild(trak, 'mdia');
  const handler = requireChild(mdia, 'hdlr').payload.toString('latin1', 8, 12);
  if (handler !== 'vide' && handler !== 'soun') {
    throw new UnsupportedMediaError(`track of type ${handler}`);
  }
  const mdhd = requireChild(mdia, 'mdhd').payload;
  const timescale = mdhd[0] === 1 ? mdhd.readUInt32BE(20) : mdhd.readUInt32BE(12);
  const stbl = requireChild(mdia, 'minf', 'stbl');
  for (const c of stbl.children ?? []) {
    if (!KNOWN_STBL.has(c.type)) throw new UnsupportedMediaError(`sample table box ${c.type}`);
  }
  const sizes = readSizes(requireChild(stbl, 'stsz').payload);
  const durations = expandRuns(requireChild(stbl, 'stts').payload, sizes.length, 'stts');
  const ctts = child(stbl, 'ctts');
  const compositionOffsets = ctts
    ? expandRuns(ctts.payload, sizes.length, 'ctts', ctts.payload[0] === 1)
    : new Array<number>(sizes.length).fill(0);
  const stss = child(stbl, 'stss');
  const chunkOffsets = readChunkOffsets(stbl);
  const samplesPerChunk = expandChunks(requireChild(stbl, 'stsc').payload, chunkOffsets.length);
  if (samplesPerChunk.reduce((s, n) => s + n, 0) !== sizes.length) {
    throw new UnsupportedMediaError('stsc does not cover the samples');
  }
  const mediaTime = readSingleEdit(trak);
  let end = 0;
  let dts = 0;
  for (let i = 0; i < sizes.length; i++) {
    end = Math.max(end, dts + compositionOffsets[i] + durations[i]);
    dts += durations[i];
  }
  return {
    handler,
    trak,
    timescale,
    durations,
    compositionOffsets,
    cttsVersion: ctts ? ctts.payload[0] : null,
    syncSamples: stss ? readList(stss.payload) : null,
    sizes,
    chunkOffsets,
    samplesPerChunk,
    mediaTime,
    presentedDuration: end - mediaTime,
    sampleGroup: readSampleGroup(stbl, sizes.length),
    descriptionKey: descriptionKey(requireChild(stbl, 'stsd').payload),
  };
}

function readList(payload: Buffer): number[] {
  const count = payload.readUInt32BE(4);
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(payload.readUInt32BE(8 + i * 4));
  return out;
}

function readSizes(payload: Buffer): number[] {
  const fixed = payload.readUInt32BE(4);
  const count = payload.readUInt32BE(8);
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(fixed || payload.readUInt32BE(12 + i * 4));
  return out;
}

/** stts / ctts: (count, value) runs expanded to one value per sample. */
function expandRuns(payload: Buffer, samples: number, name: string, signed = false): number[] {
  const entries = payload.readUInt32BE(4);
  const out: number[] = [];
  for (let i = 0; i < entries; i++) {
    const count = payload.readUInt32BE(8 + i * 8);
    const value = signed ? payload.readInt32BE(12 + i * 8) : payload.readUInt32BE(12 + i * 8);
    for (let j = 0; j < count; j++) out.push(value);
  }
  if (out.length !== samples) throw new UnsupportedMediaError(`${name} does not cover the samples`);
  return out;
}

function readChunkOffsets(stbl: BoxNode): number[] {
  const stco = child(stbl, 'stco');
  if (stco) return readList(stco.payload);
  const co64 = requireChild(stbl, 'co64').payload;
  const count = co64.readUInt32BE(4);
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(Number(co64.readBigUInt64BE(8 + i * 8)));
  return out;
}

/** stsc: samples per chunk for every chunk; one sample description only. */
function expandChunks(payload: Buffer, chunks: number): number[] {
  const entries = payload.readUInt32BE(4);
  const out: number[] = [];
  for (let i = 0; i < entries; i++) {
    const first = payload.readUInt32BE(8 + i * 12);
    const perChunk = payload.readUInt32BE(12 + i * 12);
    if (payload.readUInt32BE(16 + i * 12) !== 1) {
      throw new UnsupportedMediaError('more than one sample description');
    }
    const next = i + 1 < entries ? payload.readUInt32BE(8 + (i + 1) * 12) : chunks + 1;
    for (let c = first; c < next; c++) out.push(perChunk);
  }
  if (out.length !== chunks) throw new UnsupportedMediaError('stsc does not cover the chunks');
  return out;
}

/** The media time of a track's only edit (0 without an edit list); refuses other edit lists. */
function readSingleEdit(trak: BoxNode): number {
  const edts = child(trak, 'edts');
  const elst = edts && child(edts, 'elst');
  if (!elst) return 0;
  const p = elst.payload;
  const v1 = p[0] === 1;
  if (p.readUInt32BE(4) !== 1) throw new UnsupportedMediaError('edit list of several entries');
  const mediaTime = v1 ? Number(p.readBigInt64BE(16)) : p.readInt32BE(12);
  const rate = p.readUInt32BE(v1 ? 24 : 16);
  if (mediaTime < 0 || rate !== 0x10000) throw new UnsupportedMediaError('empty or slowed edit');
  return mediaTime;
}

/** The sgpd box when sbgp maps every sample to its one description (or there are none). */
function readSampleGroup(stbl: BoxNode, samples: number): BoxNode | null {
  const sgpd = child(stbl, 'sgpd');
  const sbgp = child(stbl, 'sbgp');
  if (!sgpd && !sbgp) return null;
  if (!sgpd || !sbgp || sbgp.payload[0] !== 0) throw new UnsupportedMediaError('sample groups');
  const p = sbgp.payload;
  const oneRun =
    p.readUInt32BE(8) === 1 && p.readUInt32BE(12) === samples && p.readUInt32BE(16) === 1;
  if (!oneRun) throw new UnsupportedMediaError('sample groups of several runs');
  if (p.toString('latin1', 4, 8) !== sgpd.payload.toString('latin1', 4, 8)) {
    throw new UnsupportedMediaError('sample group types differ');
  }
  return sgpd;
}

/**
 * The sample description as a comparable string, without what differs between two encodes of
 * the same settings: the bit-rate box (btrt) and the bit-rate fields of the MPEG-4 descriptor.
 */
export function descriptionKey(stsd: Buffer): string {
  const copy = Buffer.from(stsd);
  for (const name of ['btrt', 'esds']) {
    for (
      let at = copy.indexOf(name, 8, 'latin1');
      at >= 4;
      at = copy.indexOf(name, at + 4, 'latin1')
    ) {
      const size = copy.readUInt32BE(at - 4);
      if (size < 8 || at - 4 + size > copy.length) continue;
      if (name === 'btrt') copy.fill(0, at + 4, at - 4 + size);
      else clearDescriptorBitrates(copy.subarray(at + 8, at - 4 + size));
    }
  }
  return copy.toString('hex');
}

/** In an ES descriptor, zero the DecoderConfigDescriptor's buffer size and bit rates. */
function clearDescriptorBitrates(esds: Buffer): void {
  for (let at = 0; at < esds.length;) {
    const tag = esds[at++];
    let length = 0;
    for (let i = 0; i < 4 && at < esds.length; i++) {
      const byte = esds[at++];
      length = (length << 7) | (byte & 0x7f);
      if (!(byte & 0x80)) break;
    }
    if (tag === 0x03) {
      // ES_ID (2) and flags (1); the optional fields are not written by ffmpeg.
      if (esds[at + 2] !== 0) return;
      at += 3;
    } else if (tag === 0x04) {
      // objectTypeIndication, streamType, then bufferSizeDB (3), maxBitrate (4), avgBitrate (4).
      esds.fill(0, Math.min(at + 2, esds.length), Math.min(at + 13, esds.length));
      return;
    } else {
      at += length;
    }
  }
}
