import path from 'node:path';

/**
 * The containers we accept, keyed by ffprobe's format_name. ffprobe names a family
 * ("mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm"); the file's own extension picks the member when
 * it is one of the family, otherwise the family's usual name is used. Anything else that ffprobe
 * reads as video (GIF, image sequences, FLV...) is an unsupported container: 415.
 */
const FAMILIES: { test: (formatName: string) => boolean; members: string[] }[] = [
  {
    test: (f) => f.split(',').includes('mp4') || f.split(',').includes('mov'),
    members: ['mp4', 'mov', 'm4v'],
  },
  {
    test: (f) => f.split(',').includes('matroska') || f.split(',').includes('webm'),
    members: ['mkv', 'webm'],
  },
  { test: (f) => f === 'avi', members: ['avi'] },
  { test: (f) => f === 'mpegts', members: ['ts'] },
];

export const ACCEPTED_CONTAINERS = FAMILIES.flatMap((f) => f.members);

export function containerFormat(formatName: string, originalName: string): string | null {
  const family = FAMILIES.find((f) => f.test(formatName));
  if (!family) return null;
  const ext = path.extname(originalName).slice(1).toLowerCase();
  return family.members.includes(ext) ? ext : family.members[0];
}

/** A display-only name: the last path segment, printable characters, at most 255 of them. */
export function displayName(originalName: string): string {
  const base = originalName.split(/[\\/]/).pop() ?? '';
  const clean = base
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim()
    .slice(0, 255);
  return clean || 'upload';
}
