import { spawn } from 'node:child_process';
import { ffmpegPath } from './binaries';
import { ConcurrencyLimiter } from './concurrency-limiter';
import { FfmpegAbortedError, FfmpegFailedError, FfmpegTimeoutError } from './media-errors';
import { ProgressParser } from './progress-parser';

export interface FfmpegRunnerOptions {
  /** Most ffmpeg processes this runner lets run at once (per Node process). */
  maxConcurrent?: number;
  /** Time limit of one run unless the call gives its own. */
  defaultTimeoutMs?: number;
  ffmpegPath?: string;
  /** Called as each process ends, with its wall-clock seconds (for metrics). */
  onRunEnd?: (seconds: number, outcome: 'ok' | 'failed' | 'killed') => void;
}

export interface FfmpegRunOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Called with the output position in seconds each time ffmpeg reports progress. */
  onProgress?: (outTimeSeconds: number) => void;
}

/** How much of stderr is kept for error messages: the end is where ffmpeg says what went wrong. */
const STDERR_TAIL_CHARS = 4000;
/** A generous ceiling: a single normalize or assemble of a short clip takes seconds. */
const DEFAULT_TIMEOUT_MS = 30 * 60 * 1000;

/**
 * Runs ffmpeg with an argument array (never a shell), reports `-progress` output, and kills the
 * process with SIGKILL on abort or timeout. A run counts against the limiter from spawn to exit.
 */
export class FfmpegRunner {
  readonly limiter: ConcurrencyLimiter;
  private readonly defaultTimeoutMs: number;
  private readonly binary: string;
  private readonly onRunEnd: FfmpegRunnerOptions['onRunEnd'];

  constructor(options: FfmpegRunnerOptions = {}) {
    this.onRunEnd = options.onRunEnd;
    this.limiter = new ConcurrencyLimiter(options.maxConcurrent ?? 2);
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.binary = options.ffmpegPath ?? ffmpegPath();
  }

  run(args: readonly string[], options: FfmpegRunOptions = {}): Promise<void> {
    return this.limiter.run(() => this.spawnOnce(args, options), options.signal);
  }

  private spawnOnce(args: readonly string[], options: FfmpegRunOptions): Promise<void> {
    const { signal, onProgress } = options;
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    if (signal?.aborted) return Promise.reject(new FfmpegAbortedError());
    const fullArgs = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error'];
    fullArgs.push('-progress', 'pipe:1', ...args);
    return new Promise<void>((resolve, reject) => {
      const started = process.hrtime.bigint();
      const child = spawn(this.binary, fullArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
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
