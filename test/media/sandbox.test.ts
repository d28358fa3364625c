import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkTailDecodes,
  FfmpegFailedError,
  FfmpegRunner,
  FfmpegTimeoutError,
  probe,
  spawnSandboxed,
  UPLOAD_FORMATS,
} from '@app/media';
import { makeClip, makeHugeFrame } from '@app/media/testing';

/**
 * The sandbox every ffprobe/ffmpeg child runs in (libs/media/src/sandbox.ts), observed from the
 * child's side: its environment, its address-space limit, its arguments, its wall clock.
 */
jest.setTimeout(60_000);

const SECRET = 'jwt-secret-that-must-not-leak';
let dir: string;
let spy: string;
const saved = { ...process.env };

/** A stand-in for ffmpeg/ffprobe that writes what it was given: environment, limits, arguments. */
function writeSpy(): string {
  const path = join(dir, 'spy.sh');
  writeFileSync(
    path,
    [
      '#!/bin/sh',
      `out="${dir}/seen-$$"`,
      'env > "$out.env"',
      'cat /proc/self/limits > "$out.limits"',
      'printf "%s\\n" "$@" > "$out.args"',
      'echo "{}"',
      '',
    ].join('\n'),
  );
  chmodSync(path, 0o755);
  return path;
}

/** What the one spy run since the last call saw. */
function seen(): { env: string[]; limits: string; args: string[] } {
  const runs = readdirSync(dir).filter((f) => f.startsWith('seen-') && f.endsWith('.env'));
  expect(runs).toHaveLength(1);
  const base = join(dir, runs[0].replace(/\.env$/, ''));
  const result = {
    env: readFileSync(`${base}.env`, 'utf8').trim().split('\n'),
    limits: readFileSync(`${base}.limits`, 'utf8'),
    args: readFileSync(`${base}.args`, 'utf8').trim().split('\n'),
  };
  for (const ext of ['env', 'limits', 'args']) rmSync(`${base}.${ext}`);
  return result;
}

function addressSpaceLimit(limits: string): string {
  return /^Max address space\s+(\S+)/m.exec(limits)?.[1] ?? 'missing';
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vmp-sandbox-'));
  spy = writeSpy();
});
beforeEach(() => {
  process.env.JWT_SECRET = SECRET;
  process.env.DATABASE_URL = `postgresql://app:${SECRET}@127.0.0.1/db`;
  process.env.S3_SECRET_ACCESS_KEY = SECRET;
});
afterEach(() => {
  process.env = { ...saved };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the child environment', () => {
  it('is PATH alone: a child cannot see the parent’s secrets', async () => {
    const child = spawnSandboxed('env', [], 1024 ** 3);
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    await new Promise((resolve) => child.on('close', resolve));
    expect(out.trim().split('\n')).toEqual([`PATH=${process.env.PATH}`]);
    expect(out).not.toContain(SECRET);
  });

  it('is the same for ffmpeg runs, probes and tail decodes', async () => {
    await new FfmpegRunner({ ffmpegPath: spy }).run(['-i', 'file:/x.mp4', '-f', 'null', '-']);
    const runEnv = seen().env;
    process.env.FFPROBE_PATH = spy;
    await probe('/x.mp4').catch(() => undefined);
    const probeEnv = seen().env;
    process.env.FFMPEG_PATH = spy;
    await checkTailDecodes('/x.mp4').catch(() => undefined);
    const tailEnv = seen().env;
    // PWD is the spy's shell's own variable, not an inherited one.
    for (const env of [runEnv, probeEnv, tailEnv]) {
      expect(env.filter((line) => !line.startsWith('PWD='))).toEqual([`PATH=${process.env.PATH}`]);
    }
  });
});

describe('limits of each child', () => {
  it('puts an address-space ceiling, a thread cap and the upload whitelist on an ffmpeg run', async () => {
    const runner = new FfmpegRunner({
      ffmpegPath: spy,
      sandbox: { maxMemoryBytes: 700_000_000, threads: 3 },
    });
    await runner.run(['-i', 'file:/x.mp4', '-c:v', 'libx264', '-y', '/o.mp4']);
    const { limits, args } = seen();
    expect(addressSpaceLimit(limits)).toBe('700000000');
    const input = args.indexOf('-i');
    expect(args.slice(input - 6, input)).toEqual([
      '-protocol_whitelist',
      'file',
      '-format_whitelist',
      UPLOAD_FORMATS.join(','),
      '-threads',
      '3',
    ]);
    expect(args.slice(input + 2, input + 4)).toEqual(['-threads', '3']);
  });

  it('reads the probe’s own ceiling and the thread cap from the environment', async () => {
    process.env.FFPROBE_PATH = spy;
    process.env.FFPROBE_MAX_MEMORY_BYTES = '600000000';
    process.env.FFMPEG_THREADS = '1';
    await probe('/x.mp4').catch(() => undefined);
    const { limits, args } = seen();
    expect(addressSpaceLimit(limits)).toBe('600000000');
    expect(args.join(' ')).toContain(
      `-protocol_whitelist file -format_whitelist ${UPLOAD_FORMATS.join(',')} -threads 1`,
    );
  });

  it('makes a decode of a 16000×16000 frame fail under a 512 MiB ceiling, not take the host', async () => {
    const huge = await makeHugeFrame(join(dir, 'huge.mp4'));
    const small = await makeClip({
      width: 160,
      height: 90,
      fps: 25,
      durationSeconds: 0.4,
      audio: false,
      container: 'mp4',
    });
    const runner = new FfmpegRunner({ sandbox: { maxMemoryBytes: 512 * 1024 * 1024 } });
    // The same ceiling lets an ordinary clip through, so the failure is the frame's size.
    await runner.run(['-i', small, '-f', 'null', '-'], { durationSeconds: 0.4 });
    const run = runner.run(['-xerror', '-i', huge, '-f', 'null', '-'], { durationSeconds: 1 });
    await expect(run).rejects.toBeInstanceOf(FfmpegFailedError);
  });
});

describe('the wall clock', () => {
  const endless = ['-re', '-f', 'lavfi', '-i', 'testsrc2=duration=30', '-f', 'null', '-'];

  it('is derived from the clip’s duration: max(minimum, duration × factor)', async () => {
    const runner = new FfmpegRunner({ sandbox: { minTimeoutMs: 300, timeoutFactor: 2 } });
    const short = runner.run(endless, { durationSeconds: 0.05 });
    await expect(short).rejects.toBeInstanceOf(FfmpegTimeoutError);
    await expect(short).rejects.toMatchObject({ timeoutMs: 300 });
    const longer = runner.run(endless, { durationSeconds: 0.4 });
    await expect(longer).rejects.toMatchObject({ timeoutMs: 800 });
  });
});
