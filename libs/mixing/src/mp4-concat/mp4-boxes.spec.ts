import { box, fullBox, parseBoxes, words } from './boxes';
import { metadataBox } from './metadata-box';
import { descriptionKey } from './mp4-index';

/** An stsd with one mp4a entry whose ES descriptor has these bit rates and codec config. */
function audioDescription(avgBitrate: number, config: number[]): Buffer {
  const decoderSpecific = Buffer.from([0x05, config.length, ...config]);
  const decoderConfig = Buffer.alloc(13);
  decoderConfig[0] = 0x40; // AAC
  decoderConfig[1] = 0x15; // audio stream
  decoderConfig.writeUInt32BE(avgBitrate * 2, 5);
  decoderConfig.writeUInt32BE(avgBitrate, 9);
  const dc = Buffer.concat([
    Buffer.from([0x04, 13 + decoderSpecific.length]),
    decoderConfig,
    decoderSpecific,
  ]);
  const es = Buffer.concat([Buffer.from([0x03, 3 + dc.length, 0, 1, 0]), dc]);
  const entry = box(
    'mp4a',
    Buffer.alloc(28),
    fullBox('esds', 0, 0, es),
    box('btrt', words(0, avgBitrate, avgBitrate)),
  );
  return Buffer.concat([words(0, 1), entry]);
}

describe('mp4 boxes', () => {
  it('keys sample descriptions without the bit rates that differ between encodes', () => {
    const a = descriptionKey(audioDescription(96_000, [0x11, 0x90]));
    expect(descriptionKey(audioDescription(128_000, [0x11, 0x90]))).toBe(a);
    expect(descriptionKey(audioDescription(96_000, [0x12, 0x10]))).not.toBe(a);
  });

  it('writes free-form metadata as mdta keys with UTF-8 values', () => {
    expect(metadataBox({})).toBeNull();
    const [udta] = parseBoxes(metadataBox({ campaign: 'spring', title: 'é ✓' }) as Buffer);
    expect(udta.type).toBe('udta');
    const meta = udta.children?.[0];
    expect(meta?.type).toBe('meta');
    const [hdlr, keys, ilst] = parseBoxes((meta as { payload: Buffer }).payload, 4);
    expect(hdlr.payload.toString('latin1', 8, 12)).toBe('mdta');
    expect(keys.payload.readUInt32BE(4)).toBe(2);
    const names = parseBoxes(keys.payload, 8).map((k) => [k.type, k.payload.toString('utf8')]);
    expect(names).toEqual([
      ['mdta', 'campaign'],
      ['mdta', 'title'],
    ]);
    const items = parseBoxes(ilst.payload);
    expect(items.map((i) => Buffer.from(i.type, 'latin1').readUInt32BE(0))).toEqual([1, 2]);
    const [data] = parseBoxes(items[1].payload);
    expect(data.type).toBe('data');
    expect(data.payload.readUInt32BE(0)).toBe(1);
    expect(data.payload.subarray(8).toString('utf8')).toBe('é ✓');
  });
});
