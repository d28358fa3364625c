/** The name an output gets when the project sets none. */
export const DEFAULT_OUTPUT_NAME_TEMPLATE = '{project}-{index}-{groups}';
/** Longest template accepted (characters). */
export const OUTPUT_NAME_TEMPLATE_MAX_LENGTH = 300;
/** Longest file name produced, extension included (bytes of UTF-8). */
export const OUTPUT_NAME_MAX_BYTES = 200;

const PLACEHOLDER = /\{([^{}]*)\}/g;
const SIMPLE = new Set(['project', 'index', 'groups', 'job', 'date', 'aspect']);

/** Why a template cannot be used (naming the first bad placeholder), or null when it can. */
export function outputNameTemplateProblem(template: string): string | null {
  if (template.length === 0) return 'must not be empty';
  if (template.length > OUTPUT_NAME_TEMPLATE_MAX_LENGTH) {
    return `must be at most ${OUTPUT_NAME_TEMPLATE_MAX_LENGTH} characters`;
  }
  for (const [, name] of template.matchAll(PLACEHOLDER)) {
    if (SIMPLE.has(name)) continue;
    if (name.startsWith('group:') && name.length > 'group:'.length) continue;
    return `unknown placeholder {${name}} (known: {project}, {index}, {groups}, {group:<name>}, {job}, {date}, {aspect})`;
  }
  return null;
}

export interface NamedClip {
  groupName: string;
  /** The clip's original file name (its extension is dropped in names). */
  originalName: string;
}

export interface OutputNamesInput {
  template?: string;
  projectName: string;
  jobId: string;
  /** When the job was created: {date} is its UTC day, YYYY-MM-DD. */
  createdAt: Date;
  aspectRatio: string;
  /** The output files' extension, without the dot (from the format). */
  extension: string;
  /** Each output's clips, in play order; the array index is the combination index. */
  combinations: readonly (readonly NamedClip[])[];
}

const withoutExtension = (name: string) => name.replace(/\.[^.]{1,8}$/, '');

const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;

function truncateBytes(text: string, maxBytes: number): string {
  let out = '';
  let bytes = 0;
  for (const ch of text) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (bytes + size > maxBytes) break;
    out += ch;
    bytes += size;
  }
  return out;
}

/**
 * Pure: a safe file name base: no path separators or characters Windows refuses, no control
 * characters, no leading or trailing dots or spaces, not a reserved device name.
 */
export function sanitizeFileBase(text: string): string {
  const cleaned = text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f/\\:*?"<>|]/g, '_')
    .replace(/\s+/g, ' ')
    .replace(/^[.\s]+|[.\s]+$/g, '');
  return RESERVED.test(cleaned.split('.')[0]) ? `_${cleaned}` : cleaned;
}

function fileName(base: string, suffix: string, extension: string): string {
  const tail = `${suffix}.${extension}`;
  const room = OUTPUT_NAME_MAX_BYTES - Buffer.byteLength(tail, 'utf8');
  const trimmed = truncateBytes(base, room).replace(/[.\s]+$/, '');
  return `${trimmed}${tail}`;
}

/**
 * Pure: every output's file name from the template: placeholders filled, sanitized, at most
 * OUTPUT_NAME_MAX_BYTES of UTF-8 with the format's extension, and unique within the job
 * (case-insensitively; a repeat gets `-2`, `-3`, … in plan order). The same input gives the
 * same names, so a plan preview and the worker agree.
 */
export function outputNames(input: OutputNamesInput): string[] {
  const template = input.template ?? DEFAULT_OUTPUT_NAME_TEMPLATE;
  const width = Math.max(4, String(Math.max(0, input.combinations.length - 1)).length);
  const date = input.createdAt.toISOString().slice(0, 10);
  const aspect = input.aspectRatio.replace(':', 'x');
  const taken = new Set<string>();
  return input.combinations.map((clips, index) => {
    const filled = template.replace(PLACEHOLDER, (whole, name: string) => {
      switch (name) {
        case 'project':
          return input.projectName;
        case 'index':
          return String(index).padStart(width, '0');
        case 'groups':
          return clips.map((c) => withoutExtension(c.originalName)).join('-');
        case 'job':
          return input.jobId;
        case 'date':
          return date;
        case 'aspect':
          return aspect;
      }
      if (name.startsWith('group:')) {
        const wanted = name.slice('group:'.length).toLowerCase();
        const clip = clips.find((c) => c.groupName.toLowerCase() === wanted);
        return clip ? withoutExtension(clip.originalName) : '';
      }
      return whole;
    });
    const base = sanitizeFileBase(filled) || `output-${String(index).padStart(width, '0')}`;
    let name = fileName(base, '', input.extension);
    for (let n = 2; taken.has(name.toLowerCase()); n++) {
      name = fileName(base, `-${n}`, input.extension);
    }
    taken.add(name.toLowerCase());
    return name;
  });
}

/**
 * An RFC 6266 Content-Disposition value: an ASCII fallback `filename` and the exact UTF-8 name
 * as `filename*` (RFC 5987).
 */
export function contentDisposition(name: string, kind: 'attachment' | 'inline' = 'attachment') {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * Pure: an output's name in one of the job's renditions. With several, each name ends in its
 * rendition (`-r0`, `-r1`…, before the extension) so the files stay unique; with one, unchanged.
 */
export function renditionFileName(name: string, rendition: number, renditions: number): string {
  return renditions > 1 ? name.replace(/(\.[a-z0-9]+)?$/i, `-r${rendition}$1`) : name;
}

/** Pure: each combination's clips with their group's name and original file name. */
export function namedClips(
  combinations: readonly (readonly string[])[],
  videos: readonly { id: string; groupId: string | null; originalName: string }[],
  groups: readonly { id: string; name: string }[],
): NamedClip[][] {
  const groupName = new Map(groups.map((g) => [g.id, g.name]));
  const byId = new Map(videos.map((v) => [v.id, v]));
  return combinations.map((ids) =>
    ids.map((id) => {
      const video = byId.get(id);
      return {
        groupName: (video?.groupId && groupName.get(video.groupId)) || '',
        originalName: video?.originalName ?? id,
      };
    }),
  );
}
