import type { MetadataSettings } from './mixing-settings';

/** Dynamic fields an output can carry; `settings.metadata.fields` selects among these names. */
export const DYNAMIC_FIELDS = [
  'sourceNames',
  'sourceIds',
  'combinationIndex',
  'jobId',
  'projectName',
  'createdAt',
] as const;
export type DynamicField = (typeof DYNAMIC_FIELDS)[number];

export interface OutputContext {
  jobId: string;
  projectName: string;
  combinationIndex: number;
  sources: readonly { videoId: string; originalName: string }[];
  createdAt: Date;
}

/** Keys ffmpeg and the containers take without escaping: no `=`, spaces or control characters. */
const SAFE_KEY = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
const MAX_VALUE_CHARS = 1024;

/**
 * Pure: the metadata written into an output file and its `output_files.metadata` row. Static
 * pairs always; dynamic fields only with includeDynamic, limited to `fields` when given. A
 * dynamic field wins over a static pair of the same name: the service's facts are not editable.
 */
export function buildOutputMetadata(
  settings: MetadataSettings | undefined,
  context: OutputContext,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(settings?.static ?? {})) {
    if (SAFE_KEY.test(key) && typeof value === 'string') out[key] = cleanValue(value);
  }
  if (!settings?.includeDynamic) return out;
  const wanted = settings.fields ? new Set(settings.fields) : undefined;
  const dynamic = dynamicValues(context);
  for (const field of DYNAMIC_FIELDS) {
    if (!wanted || wanted.has(field)) out[field] = cleanValue(dynamic[field]);
  }
  return out;
}

function dynamicValues(context: OutputContext): Record<DynamicField, string> {
  return {
    sourceNames: JSON.stringify(context.sources.map((s) => s.originalName)),
    sourceIds: JSON.stringify(context.sources.map((s) => s.videoId)),
    combinationIndex: String(context.combinationIndex),
    jobId: context.jobId,
    projectName: context.projectName,
    createdAt: context.createdAt.toISOString(),
  };
}

function cleanValue(value: string): string {
  // eslint-disable-next-line no-control-regex -- NUL ends a C string inside ffmpeg
  return value.replace(/\u0000/g, '').slice(0, MAX_VALUE_CHARS);
}

/**
 * AVI keeps only RIFF INFO tags (INAM, ICMT, …), not arbitrary keys: the title stays a title
 * and the whole record goes into the comment as JSON so nothing is lost.
 */
export function metadataForContainer(
  container: 'mp4' | 'mov' | 'avi',
  metadata: Record<string, string>,
): Record<string, string> {
  if (container !== 'avi' || Object.keys(metadata).length === 0) return metadata;
  const riff: Record<string, string> = { comment: JSON.stringify(metadata) };
  if (metadata.title) riff.title = metadata.title;
  return riff;
}
