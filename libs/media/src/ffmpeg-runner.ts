import { ffmpegPath } from './binaries';
import { ConcurrencyLimiter } from './concurrency-limiter';
import { FfmpegAbortedError, FfmpegFailedError, FfmpegTimeoutError } from './media-errors';
import { ProgressParser } from './progress-parser';
import {
  inputWhitelist,
  sandboxConfig,
  spawnSandboxed,
  wallClockMs,
  type InputPolicy,
  type SandboxConfig,
} from './sandbox';

export interface FfmpegRunnerOptions {
  /** Most ffmpeg processes this runner lets run at once (per Node process). */
  maxConcurrent?: number;
  /** Time limit of a run that gives neither its own limit nor its clip's duration. */
  defaultTimeoutMs?: number;
  /** Threads, memory ceiling and wall-clock factor; defaults from the environment (sandbox.ts). */
  sandbox?: Partial<SandboxConfig>;
  ffmpegPath?: string;
  /** Called as each process ends, with its wall-clock seconds (for metrics). */
  onRunEnd?: (seconds: number, outcome: 'ok' | 'failed' | 'killed') => void;
}

export interface FfmpegRunOptions {
  signal?: AbortSignal;
  /** Explicit wall clock; otherwise derived from `durationSeconds`, else the runner's default. */
  timeoutMs?: number;
  /** Duration of the clip(s) the run reads: the wall clock is max(60 s, duration × factor). */
  durationSeconds?: number;
  /**
   * What every input of this run may be. Unset: an input the caller forces with `-f concat` is
   * one of our own lists (`concat-list`), one forced with `-f lavfi` a generator, any other an
   * `upload` (the accepted containers only).
   */
  inputs?: InputPolicy | readonly (InputPolicy | undefined)[];
  /** Called with the output position in seconds each time ffmpeg reports progress. */
  onProgress?: (outTimeSeconds: number) => void;
}

/** How much of stderr is kept for error messages: the end is where ffmpeg says what went wrong. */
const STDERR_TAIL_CHARS = 4000;
/** Only for runs that say nothing of their clip: a normalize or assemble of a short clip takes seconds. */
const DEFAULT_TIMEOUT_MS = 30 * 60 * 1000;

/**
 * Inputs whose demuxer our own code forces with `-f`: a concat list we wrote (its entries are
 * our mezzanines), a lavfi graph we wrote (generators). Every other input, forced or not, may
 * only be one of the accepted upload containers.
 */
const FORCED_POLICY: Record<string, InputPolicy> = { concat: 'concat-list', lavfi: 'generator' };

/**
 * Pure: the caller's arguments with the sandbox's: before each `-i`, the input's protocol and
 * container whitelist and a decoder thread cap; after the last input, an encoder thread cap (the
 * caller's own `-threads` for an output, coming later, wins); a filter thread cap up front.
 */
export function sandboxArgs(
  args: readonly string[],
  threads: number,
  inputs?: InputPolicy | readonly (InputPolicy | undefined)[],
): string[] {
  let index = 0;
  const out: string[] = ['-filter_threads', String(threads)];
  let forced: string | undefined;
  let lastInputEnd = -1;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '-f' && i + 1 < args.length) forced = args[i + 1];
    if (arg === '-i' && i + 1 < args.length) {
      // A list gives each input its own policy, by position (unset: as if none were given).
      const given = typeof inputs === 'string' ? inputs : inputs?.[index];
      index += 1;
      const policy = given ?? FORCED_POLICY[forced ?? ''] ?? 'upload';
      out.push(...inputWhitelist(policy), '-threads', String(threads), arg, args[i + 1]);
      i += 1;
      forced = undefined;
      lastInputEnd = out.length;
      continue;
    }
    out.push(arg);
  }
  if (lastInputEnd >= 0) out.splice(lastInputEnd, 0, '-threads', String(threads));
  return out;
}

/**
 * Runs ffmpeg with an argument array (never a shell) in the sandbox (sandbox.ts: `PATH`-only
 * environment, address-space ceiling, thread cap, per-input whitelists), reports `-progress`
 * output, and kills the process with SIGKILL on abort or timeout (derived from the clip's
 * duration when the run gives it). A run counts against the limiter from spawn to exit.
 */
export class FfmpegRunner {
  readonly limiter: ConcurrencyLimiter;
  private readonly defaultTimeoutMs: number;
  private readonly binary: string;
  private readonly onRunEnd: FfmpegRunnerOptions['onRunEnd'];
  readonly sandbox: SandboxConfig;

  constructor(options: FfmpegRunnerOptions = {}) {
    this.onRunEnd = options.onRunEnd;
    this.sandbox = { ...sandboxConfig(), ...options.sandbox };
    this.limiter = new ConcurrencyLimiter(options.maxConcurrent ?? 2);
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.binary = options.ffmpegPath ?? ffmpegPath();
  }

  run(args: readonly string[], options: FfmpegRunOptions = {}): Promise<void> {
    return this.limiter.run(() => this.spawnOnce(args, options), options.signal);
  }

  private spawnOnce(args: readonly string[], options: FfmpegRunOptions): Promise<void> {
    const { signal, onProgress } = options;
    const timeoutMs =
      options.timeoutMs ??
      (options.durationSeconds !== undefined
        ? wallClockMs(options.durationSeconds, this.sandbox)
        : this.defaultTimeoutMs);
    if (signal?.aborted) return Promise.reject(new FfmpegAbortedError());
    const fullArgs = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error'];
    fullArgs.push(
      '-progress',
      'pipe:1',
      ...sandboxArgs(args, this.sandbox.threads, options.inputs),
    );
    return new Promise<void>((resolve, reject) => {
      const started = process.hrtime.bigint();
      const child = spawnSandboxed(this.binary, fullArgs, this.sandbox.maxMemoryBytes);
      child.stdin.end();
      let stderr = '';
      let killedFor: Error | undefined;
      const kill = (reason: Error): void => {
        killedFor ??= reason;
        child.kill('SIGKILL');
      };
      const onAbort = (): void => kill(new FfmpegAbortedError());
      const timer = setTimeout(() => kill(new FfmpegTimeoutError(timeoutMs)), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      const parser = new ProgressParser((p) => onProgress?.(p.outTimeSeconds));
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => parser.push(chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS);
      });
      const settle = (error?: Error): void => {
        clearTimeout(timer);
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        this.onRunEnd?.(seconds, killedFor ? 'killed' : error ? 'failed' : 'ok');
        signal?.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve();
      };
      child.on('error', (error) => settle(killedFor ?? error));
      child.on('close', (code) => {
        if (killedFor) settle(killedFor);
        else if (code === 0) settle();
        else settle(new FfmpegFailedError(code, stderr));
      });
    });
  }
}
