/**
 * The demo's child processes: each is this CLI (`node main.ts VERB ...`),
 * started with the same environment (the shared PHONESAFE_CLOCK among it).
 * Every child is tracked so that one call ends them all, whatever happened.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { PhoneSafeError } from '@phonesafe/protocol';

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));

export type Env = Record<string, string>;

export interface Finished {
  code: number;
  stdout: string;
  stderr: string;
}

/** A long-running child that prints one JSON object per stdout line (`handset run --json`, `center --json`). */
export interface LineChild<T> {
  readonly label: string;
  readonly lines: T[];
  /** Resolves with the first line (seen so far or to come) that matches. */
  waitFor(match: (line: T) => boolean, what: string, timeoutMs: number): Promise<T>;
  /** SIGTERM, then wait for the exit. */
  stop(): Promise<Finished>;
  readonly exited: Promise<Finished>;
}

export class Children {
  readonly #env: Env;
  readonly #running = new Set<ChildProcess>();

  constructor(env: Env) {
    this.#env = env;
  }

  #spawn(args: readonly string[]): ChildProcess {
    const child = spawn(process.execPath, [...process.execArgv, MAIN, ...args], {
      env: this.#env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#running.add(child);
    child.once('exit', () => this.#running.delete(child));
    return child;
  }

  /** Runs `phonesafe ARGS` to its end. */
  run(args: readonly string[]): Promise<Finished> {
    return collect(this.#spawn(args));
  }

  /** Runs `phonesafe ARGS --json`; fails with its error line unless it succeeds; answers its JSON document. */
  async json<T>(args: readonly string[]): Promise<T> {
    const result = await this.run([...args, '--json']);
    if (result.code !== 0) throw childFailed(`phonesafe ${args.join(' ')}`, result);
    const last = result.stdout.trimEnd().split('\n').at(-1) ?? '';
    return JSON.parse(last) as T;
  }

  /** Starts a long-running verb whose stdout lines are JSON objects. */
  start<T>(label: string, args: readonly string[]): LineChild<T> {
    const child = this.#spawn(args);
    const lines: T[] = [];
    const waiters = new Set<{ match: (line: T) => boolean; resolve: (line: T) => void }>();
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr = (stderr + s).slice(-20_000)));
    let stdout = '';
    createInterface({ input: child.stdout! }).on('line', (text) => {
      stdout = (stdout + text + '\n').slice(-20_000);
      let line: T;
      try {
        line = JSON.parse(text) as T;
      } catch {
        return; // not an event line
      }
      lines.push(line);
      for (const waiter of [...waiters]) {
        if (waiter.match(line)) {
          waiters.delete(waiter);
          waiter.resolve(line);
        }
      }
    });
    const exited = new Promise<Finished>((resolve) => {
      child.once('close', (code, signal) => resolve({ code: code ?? (signal === 'SIGTERM' ? 143 : 1), stdout, stderr }));
    });
    return {
      label,
      lines,
      exited,
      waitFor(match, what, timeoutMs) {
        const seen = lines.find(match);
        if (seen !== undefined) return Promise.resolve(seen);
        return new Promise<T>((resolve, reject) => {
          const waiter = { match, resolve: (line: T) => (clearTimeout(timer), resolve(line)) };
          const timer = setTimeout(() => {
            waiters.delete(waiter);
            reject(
              new PhoneSafeError(
                'INTERNAL',
                `${label}: no ${what} within ${Math.round(timeoutMs / 1000)} s; its stderr: ${stderr.trim().split('\n').slice(-3).join(' | ') || '(empty)'}`,
              ),
            );
          }, timeoutMs);
          waiters.add(waiter);
          void exited.then((r) => {
            if (!waiters.delete(waiter)) return;
            clearTimeout(timer);
            reject(childFailed(`${label} exited before ${what}`, r));
          });
        });
      },
      stop() {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        return exited;
      },
    };
  }

  /** Ends every child still running (SIGKILL): for errors and interruptions. */
  killAll(): void {
    for (const child of this.#running) child.kill('SIGKILL');
    this.#running.clear();
  }
}

function collect(child: ChildProcess): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code: code ?? (signal === 'SIGKILL' ? 137 : 1), stdout, stderr }));
  });
}

function childFailed(what: string, result: Finished): PhoneSafeError {
  const line =
    result.stderr
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('phonesafe:'))
      .at(-1) ??
    result.stderr.trim().split('\n').at(-1) ??
    '';
  return new PhoneSafeError('INTERNAL', `${what} failed (exit ${result.code}): ${line}`);
}
