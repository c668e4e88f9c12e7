/**
 * The one way the end-to-end tests run PhoneSafe: real `phonesafe` processes
 * (node main.ts) on loopback, each with its own temporary directories.
 */
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';

export const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

export type Env = Record<string, string>;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Starts `phonesafe ARGS` with exactly `env` (plus PATH), nothing inherited that could steer it. */
export function spawnCli(args: readonly string[], env: Env): ChildProcess {
  return spawn(process.execPath, [MAIN, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Collects a child's output and resolves with its exit status (signal deaths as 128+n). */
export function finished(child: ChildProcess): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code: code ?? 128 + signalNumber(signal), stdout, stderr }));
  });
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return signal === 'SIGKILL' ? 9 : signal === 'SIGTERM' ? 15 : signal === 'SIGINT' ? 2 : 0;
}

export function cli(args: readonly string[], env: Env): Promise<CliResult> {
  return finished(spawnCli(args, env));
}

/** Runs a verb with --json, expects success and exactly one JSON document on stdout. */
export async function cliJson<T = Record<string, unknown>>(args: readonly string[], env: Env): Promise<T> {
  const result = await cli([...args, '--json'], env);
  assert.equal(result.code, 0, `phonesafe ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

/** Expects failure with this exit status and ONE `phonesafe: CODE: ...` line on stderr. */
export async function cliFails(args: readonly string[], env: Env, exitCode: number, code: string): Promise<CliResult> {
  const result = await cli(args, env);
  assert.equal(result.code, exitCode, `phonesafe ${args.join(' ')}: want exit ${exitCode}, got ${result.code}: ${result.stderr}`);
  const lines = result.stderr.trimEnd().split('\n');
  assert.match(lines.at(-1) ?? '', new RegExp(`^phonesafe: ${code}: \\S`), result.stderr);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  return result;
}

export interface CenterProcess {
  url: string;
  port: number;
  data: string;
  /** SIGTERM and wait: the center closes cleanly. */
  stop(): Promise<CliResult>;
  /** SIGKILL and wait: a crash. */
  kill(): Promise<CliResult>;
}

/**
 * Starts `phonesafe center --data DATA --port PORT` (0: any free port) and
 * waits for its first stdout line, which must announce the URL. `env` adds
 * to the center's environment (e.g. PHONESAFE_CLOCK).
 */
export async function startCenter(t: TestContext, data: string, port = 0, env: Env = {}): Promise<CenterProcess> {
  const child = spawnCli(['center', '--port', String(port), '--data', data], { PHONESAFE_LOG_LEVEL: 'warn', ...env });
  const done = finished(child);
  const firstLine = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      lines.close();
      child.stdout!.resume(); // close() paused the stream; keep draining so the center never blocks on a full pipe.
      resolve(line);
    });
    done.then((r) => reject(new Error(`the center exited (${r.code}) before announcing its URL: ${r.stderr}`)), reject);
  });
  const match = /^PhoneSafe center listening on (https?:\/\/\S+?:(\d+))\/?$/.exec(firstLine);
  assert.ok(match, `first stdout line of the center: ${firstLine}`);
  const end = (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return done;
  };
  t.after(() => end('SIGKILL'));
  return { url: match[1]!, port: Number(match[2]), data, stop: () => end('SIGTERM'), kill: () => end('SIGKILL') };
}

/** A temporary directory removed after the test (kept with PHONESAFE_KEEP_TMP=1, for debugging). */
export async function tempDir(t: TestContext, prefix = 'phonesafe-e2e-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  if (process.env.PHONESAFE_KEEP_TMP !== '1') t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Environment of one owner at the pc: password and a private pc profile directory. */
export function ownerEnv(root: string, password: string, extra: Env = {}): Env {
  return { HOME: root, PHONESAFE_PC_DIR: join(root, 'pc-profile'), PHONESAFE_PASSWORD: password, ...extra };
}
