import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

export interface AppProcess {
  proc: ChildProcess;
  output(): string;
  /** Resolves when the process has printed a line matching `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Sends `signal` and resolves with the exit code, or the signal's name if it ended by one. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/**
 * One of the built apps (dist/, made by `npm run build`, which `npm test` runs first) as a real
 * process with the test file's environment: for the tests that kill a process.
 */
export function startAppProcess(
  app: 'gateway' | 'billing' | 'media-worker',
  env: Record<string, string> = {},
): AppProcess {
  const main = path.join(ROOT, 'dist/apps', app, 'src/main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run npm run build (npm test does)`);
  const proc = spawn(process.execPath, [main], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const listeners = new Set<() => void>();
  const collect = (chunk: Buffer) => {
    out += chunk.toString();
    listeners.forEach((l) => l());
  };
  proc.stdout?.on('data', collect);
  proc.stderr?.on('data', collect);
  const exited = new Promise<number | string>((resolve) =>
    proc.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return {
    proc,
    output: () => out,
    waitFor(pattern, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (pattern.test(out)) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(
            new Error(
              `${app} did not print ${pattern} within ${timeoutMs} ms:\n${out.slice(-3000)}`,
            ),
          );
        }, timeoutMs);
        listeners.add(check);
        void exited.then(() => {
          if (!pattern.test(out)) {
            clearTimeout(timer);
            reject(new Error(`${app} exited before printing ${pattern}:\n${out.slice(-3000)}`));
          }
        });
        check();
      });
    },
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
}

export interface WorkerProcess extends AppProcess {
  /** The worker's own WORK_DIR. */
  workDir: string;
  /** The worker's own STORAGE_DIR ("another machine"), when asked for. */
  storageDir?: string;
}

/**
 * Media workers as real processes (`startAppProcess`) on the test file's database, each with a
 * work folder of its own, started once they take jobs. `env` applies to every worker of the
 * file (e.g. a short JOB_ACK_WAIT_MS so a killed worker's job is redelivered quickly).
 */
export function workerProcesses(
  env: () => Record<string, string>,
  options: { ownStorage?: boolean } = {},
) {
  const started: WorkerProcess[] = [];
  return {
    async start(extra: Record<string, string> = {}): Promise<WorkerProcess> {
      const workDir = mkdtempSync(path.join(tmpdir(), 'vmp-worker-'));
      const storageDir = options.ownStorage
        ? mkdtempSync(path.join(tmpdir(), 'vmp-worker-storage-'))
        : undefined;
      const proc = startAppProcess('media-worker', {
        ...env(),
        WORK_DIR: workDir,
        ...(storageDir ? { STORAGE_DIR: storageDir } : {}),
        ...extra,
      });
      const worker = Object.assign(proc, { workDir, storageDir });
      started.push(worker);
      await worker.waitFor(/taking jobs/);
      return worker;
    },
    /** Kills every worker started (for afterAll). */
    async killAll(): Promise<void> {
      await Promise.all(started.map((w) => w.stop('SIGKILL')));
    },
  };
}
