import type { OutputFile } from '@app/database';

export interface ManifestClip {
  groupId: string | null;
  groupName: string;
  videoId: string;
  originalName: string;
}

export interface ManifestEntry {
  id: string;
  index: number;
  name: string;
  durationSeconds: number;
  size: number;
  sha256: string;
  clips: ManifestClip[];
  metadata: Record<string, string>;
}

export interface Manifest {
  jobId: string;
  projectId: string;
  status: string;
  outputs: ManifestEntry[];
}

export interface ManifestLabels {
  groups: readonly { id: string; name: string; order: number }[];
  videos: readonly { id: string; groupId: string | null; originalName: string }[];
}

/** Pure: one manifest entry per output, its clips named by group. */
export function manifestEntries(
  outputs: readonly (OutputFile & { sha256: string })[],
  labels: ManifestLabels,
): ManifestEntry[] {
  const videos = new Map(labels.videos.map((v) => [v.id, v]));
  const groups = new Map(labels.groups.map((g) => [g.id, g.name]));
  return outputs.map((o) => ({
    id: o.id,
    index: o.combinationIndex,
    name: o.name ?? o.filename,
    durationSeconds: Number(o.duration),
    size: Number(o.size),
    sha256: o.sha256,
    clips: (o.sourceFiles as string[]).map((videoId) => {
      const video = videos.get(videoId);
      const groupId = video?.groupId ?? null;
      return {
        groupId,
        groupName: (groupId && groups.get(groupId)) || '',
        videoId,
        originalName: video?.originalName ?? '',
      };
    }),
    metadata: (o.metadata ?? {}) as Record<string, string>,
  }));
}

/**
 * Pure: one CSV cell (RFC 4180) that a spreadsheet will not run: a value starting with
 * = + - @ (or a tab or carriage return) gets a leading apostrophe (OWASP CSV injection).
 */
export function csvCell(value: string | number): string {
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Pure: the manifest as a bulk sheet: a header row, then one row per output: id, index, name,
 * duration, size, sha256, one `clip:<group>` column per group (in group order; the clip's
 * original file name, `;`-joined if a group gives several) and one `metadata:<key>` column per
 * embedded metadata key.
 */
export function manifestCsv(entries: readonly ManifestEntry[], labels: ManifestLabels): string {
  const groups = [...labels.groups].sort((a, b) => a.order - b.order);
  const keys = [...new Set(entries.flatMap((e) => Object.keys(e.metadata)))].sort();
  const header = [
    'id',
    'index',
    'name',
    'duration_seconds',
    'size_bytes',
    'sha256',
    ...groups.map((g) => `clip:${g.name}`),
    ...keys.map((k) => `metadata:${k}`),
  ];
  const rows = entries.map((e) => [
    e.id,
    e.index,
    e.name,
    e.durationSeconds,
    e.size,
    e.sha256,
    ...groups.map((g) =>
      e.clips
        .filter((c) => c.groupId === g.id)
        .map((c) => c.originalName)
        .join(';'),
    ),
    ...keys.map((k) => e.metadata[k] ?? ''),
  ]);
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
