import { box, fullBox, words } from './boxes';

/**
 * Pure: a udta box holding free-form metadata the way ffmpeg writes it with
 * `-movflags use_metadata_tags` (QuickTime "mdta" keys): meta → hdlr, keys, ilst. Null when
 * there is nothing to write.
 */
export function metadataBox(metadata: Record<string, string>): Buffer | null {
  const entries = Object.entries(metadata);
  if (entries.length === 0) return null;
  const hdlr = fullBox('hdlr', 0, 0, words(0), Buffer.from('mdta', 'latin1'), Buffer.alloc(13));
  const keys = fullBox(
    'keys',
    0,
    0,
    words(entries.length),
    ...entries.map(([key]) => box('mdta', Buffer.from(key, 'utf8'))),
  );
  const items = entries.map(([, value], i) => {
    // A data atom: type 1 (UTF-8), locale 0.
    const data = box('data', words(1, 0), Buffer.from(value, 'utf8'));
    const item = box('----', data);
    item.writeUInt32BE(i + 1, 4);
    return item;
  });
  return box('udta', fullBox('meta', 0, 0, hdlr, keys, box('ilst', ...items)));
}
