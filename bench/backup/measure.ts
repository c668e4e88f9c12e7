/**
 * Measuring helpers: run a child with wall time, CPU time and peak RSS
 * (GNU time's %M, written to a file so it never mixes with the child's
 * stderr), watch a long-running child (peak RSS from /proc VmHWM, reset per
 * step through clear_refs), and size or hash a directory tree.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const GNU_TIME = '/usr/bin/time';
const haveGnuTime = existsSync(GNU_TIME);

export interface RunResult {
  seconds: number;
  /** user + system CPU seconds of the child (null without GNU time). */
  cpuSeconds: number | null;
  /** Peak resident set of the child in KiB (null without GNU time). */
  maxRssKiB: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Children of runTimed still running, so an interrupted benchmark can end them. */
const running = new Map<ChildProcess, string>();

/** Kills the process groups of the runTimed children still running (each runs in its own group). */
export function killRunning(): void {
  for (const [child, statsDir] of running) {
    try {
      process.kill(-child.pid!, 'SIGKILL'); // GNU time and the command under it
    } catch {
      // already gone
    }
    rmSync(statsDir, { recursive: true, force: true });
  }
  running.clear();
}

/** Runs `cmd args` to completion; throws with the stderr tail when it exits non-zero. */
export async function runTimed(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const statsDir = mkdtempSync(join(tmpdir(), 'phonesafe-time-'));
  const statsFile = join(statsDir, 'time');
  const [file, argv] = haveGnuTime ? [GNU_TIME, ['-f', '%M %U %S', '-o', statsFile, cmd, ...args]] : [cmd, args];
  const t0 = performance.now();
  // Own process group, so killRunning() reaches the command under GNU time too.
  const child = spawn(file, argv, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  running.set(child, statsDir);
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => err.push(b));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c) => resolve(c));
  }).finally(() => running.delete(child));
  const seconds = (performance.now() - t0) / 1000;
  const stdout = Buffer.concat(out).toString('utf8');
  const stderr = Buffer.concat(err).toString('utf8');
  let maxRssKiB: number | null = null;
  let cpuSeconds: number | null = null;
  try {
    // GNU time writes "Command exited with non-zero status N" before the format line on failure.
    const line = readFileSync(statsFile, 'utf8').trim().split('\n').at(-1) ?? '';
    const [rss, user, sys] = line.split(' ').map(Number);
    if (Number.isFinite(rss)) maxRssKiB = rss!;
    if (Number.isFinite(user) && Number.isFinite(sys)) cpuSeconds = user! + sys!;
  } catch {
    // no stats file: GNU time missing or killed
  } finally {
    rmSync(statsDir, { recursive: true, force: true });
  }
  if (code !== 0) {
    throw new Error(`${[cmd, ...args].join(' ')} exited with ${code}\n${stderr.slice(-2000)}${stdout.slice(-1000)}`);
  }
  return { seconds, cpuSeconds, maxRssKiB, stdout, stderr };
}

/** A long-running child (the center): started, asked for its peak RSS, stopped. */
export class Service {
  readonly child: ChildProcess;
  /** The stdout line that said it was ready. */
  readonly readyLine: string;
  #stderr = '';

  private constructor(child: ChildProcess, readyLine: string) {
    this.child = child;
    this.readyLine = readyLine;
    child.stderr?.on('data', (b: Buffer) => {
      this.#stderr = (this.#stderr + b.toString('utf8')).slice(-4000);
    });
  }

  /** Spawns and waits for a stdout line matching `ready` (or fails if the child exits or `timeoutMs` passes). */
  static async start(cmd: string, args: string[], ready: RegExp, opts: RunOptions = {}, timeoutMs = 30_000): Promise<Service> {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    const onStderr = (b: Buffer): void => {
      stderr = (stderr + b.toString('utf8')).slice(-4000);
    };
    child.stderr.on('data', onStderr);
    const line = await new Promise<string>((resolve, reject) => {
      let buf = '';
      const fail = (why: string): void => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new Error(`${cmd} ${args.join(' ')} ${why}\n${stderr}${buf.slice(-2000)}`));
      };
      const timer = setTimeout(() => fail(`printed no line matching ${ready} in ${timeoutMs} ms`), timeoutMs);
      const onData = (b: Buffer): void => {
        buf += b.toString('utf8');
        const found = buf.split('\n').find((l) => ready.test(l));
        if (found === undefined) return;
        clearTimeout(timer);
        child.stdout.off('data', onData);
        child.off('exit', onExit);
        resolve(found);
      };
      const onExit = (code: number | null): void => fail(`exited with ${code} before it was ready`);
      child.stdout.on('data', onData);
      child.on('error', (e) => fail(String(e)));
      child.on('exit', onExit);
    });
    child.stderr.off('data', onStderr);
    child.stdout.resume(); // keep draining its log
    return new Service(child, line);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get stderrTail(): string {
    return this.#stderr;
  }

  /** Peak RSS (VmHWM) in KiB since start or the last `resetPeak()`. */
  peakRssKiB(): number | null {
    try {
      const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${this.child.pid}/status`, 'utf8'));
      return m ? Number(m[1]) : null;
    } catch {
      return null;
    }
  }

  /** CPU seconds (user + system) the child has used so far, from /proc/PID/stat. */
  cpuSeconds(): number | null {
    try {
      const stat = readFileSync(`/proc/${this.child.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on
      return (Number(fields[11]) + Number(fields[12])) / clockTicks();
    } catch {
      return null;
    }
  }

  /** Starts a new peak-RSS window (Linux: writing 5 to clear_refs resets VmHWM). */
  resetPeak(): void {
    try {
      writeFileSync(`/proc/${this.child.pid}/clear_refs`, '5');
    } catch {
      // not permitted: the peak then covers the whole run
    }
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the child has exited. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}

let ticks: number | null = null;
function clockTicks(): number {
  if (ticks === null) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

async function* walk(dir: string, rel = ''): AsyncGenerator<string> {
  const entries = await readdir(join(dir, rel), { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const path = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) yield* walk(dir, path);
    else if (e.isFile()) yield path;
  }
}

/** Total size in bytes of the regular files under `dir` (0 if it does not exist). */
export async function dirBytes(dir: string): Promise<number> {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for await (const rel of walk(dir)) total += statSync(join(dir, rel)).size;
  return total;
}

/** Number of regular files under `dir`. */
export async function dirFiles(dir: string): Promise<number> {
  let n = 0;
  for await (const _ of walk(dir)) n++;
  return n;
}

/** SHA-256 over the sorted relative paths and contents of every regular file under `dir` (mtimes are not included). */
export async function hashTree(dir: string): Promise<string> {
  const tree = createHash('sha256');
  for await (const rel of walk(dir)) {
    const file = createHash('sha256');
    for await (const chunk of createReadStream(join(dir, rel), { highWaterMark: 1024 * 1024 })) file.update(chunk as Buffer);
    tree.update(`${rel}\0${file.digest('hex')}\n`);
  }
  return tree.digest('hex');
}
