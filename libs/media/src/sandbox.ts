import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * How every ffprobe/ffmpeg child is run (docs/security.md, "Hostile media"): an argument array,
 * no shell; an environment holding `PATH` only, so no secret of the parent (JWT, database, S3)
 * reaches a process that parses hostile bytes; an address-space ceiling through util-linux's
 * `prlimit`; a thread cap; and, per input, a protocol and a container whitelist.
 */

/**
 * The demuxers the product accepts for uploads (ffmpeg's names; a demuxer matches when any name
 * of its family is listed): the MOV/MP4 family, Matroska/WebM, AVI, MPEG-TS. Playlists (hls,
 * concat), image sequences, lavfi and every other demuxer are refused before their header is read.
 */
export const UPLOAD_FORMATS: readonly string[] = [
  'mov',
  'mp4',
  'matroska',
  'webm',
  'avi',
  'mpegts',
];

/** Brand assets: PNG/JPEG/WebP images and MP3/AAC/WAV/FLAC (or M4A) sound. */
export const ASSET_FORMATS: readonly string[] = [
  'image2',
  'png_pipe',
  'jpeg_pipe',
  'webp_pipe',
  'mp3',
  'aac',
  'wav',
  'flac',
  'mov',
  'mp4',
];

/**
 * What an input may be, per call site:
 * - `upload`: a file a user sent (probe, tail decode, normalize).
 * - `concat-list`: one of our own ffconcat lists (the assembler); its entries are our mezzanines.
 * - `generator`: lavfi sources, for test and benchmark generators only.
 * - `asset`: a brand asset the project stored (a logo image, background music).
 */
export type InputPolicy = 'upload' | 'concat-list' | 'generator' | 'asset';

const POLICY_FORMATS: Record<InputPolicy, readonly string[]> = {
  upload: UPLOAD_FORMATS,
  // The concat demuxer passes its whitelists on to each entry it opens: the list itself, then
  // the mezzanines (MP4/MOV) it names.
  'concat-list': ['concat', ...UPLOAD_FORMATS],
  generator: ['lavfi', ...UPLOAD_FORMATS],
  asset: ASSET_FORMATS,
};

/** Only local files: no http, no tcp, no `concat:`/`subfile:` protocol tricks, no pipes. */
export const PROTOCOL_WHITELIST = 'file';

/** Pure: the input options (placed before `-i`) that confine what one input may open. */
export function inputWhitelist(policy: InputPolicy): string[] {
  return [
    '-protocol_whitelist',
    PROTOCOL_WHITELIST,
    '-format_whitelist',
    POLICY_FORMATS[policy].join(','),
  ];
}

export interface SandboxConfig {
  /** Codec threads per process (`-threads`): FFMPEG_THREADS, default 2. */
  threads: number;
  /** Address-space ceiling of an ffmpeg run: FFMPEG_MAX_MEMORY_BYTES, default 3 GiB. */
  maxMemoryBytes: number;
  /** Address-space ceiling of ffprobe (headers, a frame or two): FFPROBE_MAX_MEMORY_BYTES, 768 MiB. */
  probeMaxMemoryBytes: number;
  /** Wall clock = max(minTimeoutMs, duration × timeoutFactor): FFMPEG_TIMEOUT_FACTOR, default 10. */
  timeoutFactor: number;
  /** FFMPEG_MIN_TIMEOUT_MS, default 60 s. */
  minTimeoutMs: number;
}

const GIB = 1024 * 1024 * 1024;

function positive(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return value !== undefined && value !== '' && Number.isFinite(n) && n > 0 ? n : fallback;
}

/** The sandbox settings from the environment (defaults documented on SandboxConfig). */
export function sandboxConfig(env: NodeJS.ProcessEnv = process.env): SandboxConfig {
  return {
    threads: Math.floor(positive(env.FFMPEG_THREADS, 2)),
    maxMemoryBytes: Math.floor(positive(env.FFMPEG_MAX_MEMORY_BYTES, 3 * GIB)),
    probeMaxMemoryBytes: Math.floor(positive(env.FFPROBE_MAX_MEMORY_BYTES, 0.75 * GIB)),
    timeoutFactor: positive(env.FFMPEG_TIMEOUT_FACTOR, 10),
    minTimeoutMs: Math.floor(positive(env.FFMPEG_MIN_TIMEOUT_MS, 60_000)),
  };
}

/**
 * Pure: the wall clock of a run over a clip of `durationSeconds`: `max(minTimeoutMs,
 * duration × factor)`. A 10-second clip gets a minute, a 10-minute one 100 minutes at factor 10.
 */
export function wallClockMs(
  durationSeconds: number,
  config: Pick<SandboxConfig, 'timeoutFactor' | 'minTimeoutMs'> = sandboxConfig(),
): number {
  const d = Number.isFinite(durationSeconds) && durationSeconds > 0 ? durationSeconds : 0;
  return Math.max(config.minTimeoutMs, Math.ceil(d * 1000 * config.timeoutFactor));
}

/** The one variable a child gets. */
export function childEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { PATH: env.PATH ?? '/usr/local/bin:/usr/bin:/bin' };
}

let prlimitPath: string | null | undefined;
let warnedNoPrlimit = false;

/** util-linux's prlimit on PATH (looked up once), or null. */
export function findPrlimit(): string | null {
  if (prlimitPath !== undefined) return prlimitPath;
  prlimitPath = null;
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'prlimit');
    try {
      accessSync(candidate, constants.X_OK);
      prlimitPath = candidate;
      break;
    } catch {
      // not here
    }
  }
  if (!prlimitPath && !warnedNoPrlimit) {
    warnedNoPrlimit = true;
    process.emitWarning(
      'prlimit (util-linux) not found on PATH: ffmpeg/ffprobe run without an address-space limit',
      { code: 'VMP_NO_PRLIMIT' },
    );
  }
  return prlimitPath;
}

export interface SandboxedCommand {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

/**
 * Pure apart from the prlimit lookup: the command line that runs `binary args` under the address
 * space ceiling (`prlimit --as=BYTES -- binary args`), and the environment it gets.
 */
export function sandboxedCommand(
  binary: string,
  args: readonly string[],
  maxMemoryBytes: number,
): SandboxedCommand {
  const prlimit = findPrlimit();
  const env = childEnvironment();
  if (!prlimit) return { command: binary, args: [...args], env };
  return { command: prlimit, args: [`--as=${maxMemoryBytes}`, '--', binary, ...args], env };
}

/** Spawns `binary args` in the sandbox (minimal environment, address-space ceiling, no shell). */
export function spawnSandboxed(
  binary: string,
  args: readonly string[],
  maxMemoryBytes: number,
): ChildProcessWithoutNullStreams {
  const cmd = sandboxedCommand(binary, args, maxMemoryBytes);
  return spawn(cmd.command, cmd.args, { env: cmd.env, stdio: 'pipe', shell: false });
}

export interface SandboxedResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Why the process was killed by us, if it was. */
  killed?: 'timeout' | 'aborted' | 'output';
}

/**
 * Runs a short-lived tool (ffprobe, a tail decode) in the sandbox and collects its output; kills
 * it with SIGKILL on timeout, abort, or when its output passes `maxBuffer`. Never rejects for the
 * tool's own failure: the caller reads `code` and `stderr`.
 */
export function execSandboxed(
  binary: string,
  args: readonly string[],
  options: { timeoutMs: number; maxMemoryBytes: number; signal?: AbortSignal; maxBuffer?: number },
): Promise<SandboxedResult> {
  const maxBuffer = options.maxBuffer ?? 16 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      return reject(Object.assign(new Error('aborted'), { name: 'AbortError' }));
    }
    const child = spawnSandboxed(binary, args, options.maxMemoryBytes);
    child.stdin.end();
    let stdout = '';
    let stderr = '';
    let killed: SandboxedResult['killed'];
    const kill = (why: NonNullable<SandboxedResult['killed']>): void => {
      killed ??= why;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => kill('timeout'), options.timeoutMs);
    const onAbort = (): void => kill('aborted');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
      if (stdout.length > maxBuffer) kill('output');
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr = (stderr + c).slice(-maxBuffer);
    });
    const done = (): void => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    };
    child.on('error', (e) => {
      done();
      reject(e);
    });
    child.on('close', (code, signal) => {
      done();
      if (killed === 'aborted') {
        return reject(Object.assign(new Error('aborted'), { name: 'AbortError' }));
      }
      resolve({ code, signal, stdout, stderr, killed });
    });
  });
}
