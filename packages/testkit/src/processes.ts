/**
 * The one way the end-to-end tests run PhoneSafe: real `phonesafe` processes
 * (the CLI's main.ts, spawned by path and never imported, so no test links a
 * role into its own process this way) on loopback, each with its own
 * temporary directories.
 */
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import type { Clock } from '@phonesafe/protocol';
import { clockFromSpec } from '@phonesafe/protocol/node';

/** The `phonesafe` command's entry, run with this process's node. */
export const MAIN = fileURLToPath(new URL('../../cli/src/main.ts', import.meta.url));

export type Env = Record<string, string>;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Node's on-disk cache of compiled modules, shared by every process a test
 * starts: a start then costs about half (the CLI's module graph is compiled
 * once, not once per process). A quiet optimisation Node checks by content;
 * it steers nothing a test observes.
 */
export const COMPILE_CACHE = join(tmpdir(), 'phonesafe-node-compile-cache');

/** Starts `phonesafe ARGS` with exactly `env` (plus PATH and the compile cache), nothing inherited that could steer it. */
export function spawnCli(args: readonly string[], env: Env): ChildProcess {
  return spawn(process.execPath, [MAIN, ...args], {
    env: { PATH: process.env.PATH ?? '', NODE_COMPILE_CACHE: COMPILE_CACHE, ...env },
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

/** Runs a verb with --json (before a `--`, after which everything is an argument), expects success and exactly one JSON document on stdout. */
export async function cliJson<T = Record<string, unknown>>(args: readonly string[], env: Env): Promise<T> {
  const end = args.indexOf('--');
  const result = await cli(end < 0 ? [...args, '--json'] : [...args.slice(0, end), '--json', ...args.slice(end)], env);
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
  const { line, end } = await announced(t, child, 'center');
  const match = /^PhoneSafe center listening on (https?:\/\/\S+?:(\d+))\/?$/.exec(line);
  assert.ok(match, `first stdout line of the center: ${line}`);
  return { url: match[1]!, port: Number(match[2]), data, stop: () => end('SIGTERM'), kill: () => end('SIGKILL') };
}

export interface SafeProcess extends CenterProcess {
  /** `ed25519:<hex>`, as the safe printed it (what `handset safe add --fingerprint` compares). */
  fingerprint: string;
}

/**
 * Starts `phonesafe safe --data DATA --port PORT [--db URL]` and waits for
 * its first stdout line (URL and key fingerprint). Each safe has its own data
 * directory and keys: several are independent parties.
 */
export async function startSafe(
  t: TestContext,
  data: string,
  options: { port?: number; db?: string; env?: Env } = {},
): Promise<SafeProcess> {
  const args = ['safe', '--port', String(options.port ?? 0), '--data', data, ...(options.db ? ['--db', options.db] : [])];
  const child = spawnCli(args, { PHONESAFE_SAFE_LOG_LEVEL: 'warn', ...options.env });
  const { line, end } = await announced(t, child, 'safe');
  const match = /^PhoneSafe safe listening on (https?:\/\/\S+?:(\d+))\/? key (ed25519:[0-9a-f]{64})$/.exec(line);
  assert.ok(match, `first stdout line of the safe: ${line}`);
  return { url: match[1]!, port: Number(match[2]), data, fingerprint: match[3]!, stop: () => end('SIGTERM'), kill: () => end('SIGKILL') };
}

/** The first stdout line of a server process, and how to end it (killed after the test in any case). */
async function announced(t: TestContext, child: ChildProcess, what: string) {
  const done = finished(child);
  const line = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (first) => {
      lines.close();
      child.stdout!.resume(); // close() paused the stream; keep draining so the server never blocks on a full pipe.
      resolve(first);
    });
    done.then((r) => reject(new Error(`the ${what} exited (${r.code}) before announcing its URL: ${r.stderr}`)), reject);
  });
  const end = (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return done;
  };
  t.after(() => end('SIGKILL'));
  return { line, end };
}

export interface RunningHandset<E> {
  events: E[];
  /** The first event (already seen or still to come) that matches. */
  next(match: (e: E) => boolean, what: string): Promise<E>;
  /** SIGTERM and wait: `handset run` must end cleanly. */
  stop(): Promise<CliResult>;
  /** Waits for `handset run` to end by itself (e.g. once its credential is revoked). */
  ended(): Promise<CliResult>;
}

/**
 * A long-running `phonesafe handset run --json`: its event lines (one JSON
 * document each, typed by the caller) are collected, and a test waits for
 * the event it needs, never for a time.
 */
export function runHandset<E>(t: TestContext, dir: string, env: Env, extra: readonly string[] = []): RunningHandset<E> {
  const child = spawnCli(['handset', 'run', '--data', dir, '--json', ...extra], env);
  const done = finished(child);
  const events: E[] = [];
  const waiters: { match: (e: E) => boolean; resolve: (e: E) => void }[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const event = JSON.parse(line) as E;
    events.push(event);
    for (const w of waiters.splice(0)) {
      if (w.match(event)) w.resolve(event);
      else waiters.push(w);
    }
  });
  const end = (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return done;
  };
  t.after(() => end('SIGKILL'));
  return {
    events,
    next(match, what) {
      const seen = events.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ match, resolve });
        void done.then((r) =>
          reject(new Error(`handset run exited (${r.code}) before ${what}: ${r.stderr}\nevents: ${JSON.stringify(events)}`)),
        );
      });
    },
    stop: () => end('SIGTERM'),
    ended: () => done,
  };
}

/** An accelerated clock shared by every process of a test (`factor` virtual seconds per real second): PHONESAFE_CLOCK=spec. */
export function scaledClock(factor: number): { spec: string; clock: Clock } {
  const spec = `scaled:${Date.now()}:${factor}`;
  return { spec, clock: clockFromSpec(spec) };
}
