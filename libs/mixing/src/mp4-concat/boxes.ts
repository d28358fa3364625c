/**
 * The ISO base media file format's boxes (QuickTime's atoms), as far as joining our own
 * mezzanines needs: parse a moov into a tree, build boxes back.
 */

/** Boxes whose payload is only child boxes. */
const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl', 'edts', 'dinf', 'udta']);

export interface BoxNode {
  type: string;
  /** The payload (everything after the size and type). */
  payload: Buffer;
  children?: BoxNode[];
}

/** A file (or box payload) that is not laid out the way this module can join. */
export class UnsupportedMediaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedMediaError';
  }
}

export interface BoxHeader {
  type: string;
  size: number;
  headerSize: number;
}

/**
 * Size and header length of the box starting at `at`, or null past the end. `end` bounds the
 * box (its parent's end); size 0 means the box runs to it.
 */
export function boxHeader(buf: Buffer, at: number, end: number): BoxHeader | null {
  if (at + 8 > end) return null;
  let size = buf.readUInt32BE(at);
  const type = buf.toString('latin1', at + 4, at + 8);
  let headerSize = 8;
  if (size === 1) {
    if (at + 16 > end) throw new UnsupportedMediaError(`truncated ${type} header`);
    size = Number(buf.readBigUInt64BE(at + 8));
    headerSize = 16;
  } else if (size === 0) {
    size = end - at;
  }
  if (size < headerSize || at + size > end) {
    throw new UnsupportedMediaError(`box ${type} overruns its parent`);
  }
  return { type, size, headerSize };
}

export function parseBoxes(buf: Buffer, start = 0, end = buf.length): BoxNode[] {
  const out: BoxNode[] = [];
  for (let at = start; ;) {
    const header = boxHeader(buf, at, end);
    if (!header) break;
    const payload = buf.subarray(at + header.headerSize, at + header.size);
    const node: BoxNode = { type: header.type, payload };
    if (CONTAINERS.has(header.type)) node.children = parseBoxes(payload);
    out.push(node);
    at += header.size;
  }
  return out;
}

export function child(node: BoxNode, type: string): BoxNode | undefined {
  return node.children?.find((c) => c.type === type);
}

export function requireChild(node: BoxNode, ...path: string[]): BoxNode {
  let at = node;
  for (const type of path) {
    const next = child(at, type);
    if (!next) throw new UnsupportedMediaError(`no ${path.join('/')} in ${node.type}`);
    at = next;
  }
  return at;
}

/** A box of the given type around the payload parts (64-bit size when it needs one). */
export function box(type: string, ...payload: Buffer[]): Buffer {
  const length = payload.reduce((s, p) => s + p.length, 0);
  const small = length + 8 <= 0xffffffff;
  const header = Buffer.alloc(small ? 8 : 16);
  header.write(type, 4, 'latin1');
  if (small) header.writeUInt32BE(length + 8, 0);
  else {
    header.writeUInt32BE(1, 0);
    header.writeBigUInt64BE(BigInt(length + 16), 8);
  }
  return Buffer.concat([header, ...payload]);
}

/** A full box: version and flags, then the payload. */
export function fullBox(type: string, version: number, flags: number, ...payload: Buffer[]) {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(((version & 0xff) << 24) | (flags & 0xffffff), 0);
  return box(type, head, ...payload);
}

/** Serializes a (possibly rebuilt) node: containers from their children, leaves as parsed. */
export function serialize(node: BoxNode): Buffer {
  if (node.children) return box(node.type, ...node.children.map(serialize));
  return box(node.type, node.payload);
}

/** Big-endian 32-bit words. */
export function words(...values: number[]): Buffer {
  return table(values, []);
}

/**
 * A sample table's body: a few leading words, then one word per value (not spread into
 * `words`: a long output's tables hold more values than a call takes arguments).
 */
export function table(lead: readonly number[], values: readonly number[]): Buffer {
  const out = Buffer.allocUnsafe((lead.length + values.length) * 4);
  for (let i = 0; i < lead.length; i++) out.writeUInt32BE(lead[i] >>> 0, i * 4);
  const base = lead.length * 4;
  for (let i = 0; i < values.length; i++) out.writeUInt32BE(values[i] >>> 0, base + i * 4);
  return out;
}
