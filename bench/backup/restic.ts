/**
 * The restic baseline: the same image backed up, incrementally backed up
 * after the same mutation, and restored, with a repository, cache and
 * password of its own under the work directory.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dirBytes, runTimed, type RunResult } from './measure.ts';

/** restic's version, installing it first through scripts/ensure-restic.sh when it is missing; null when that fails. */
export function resticVersion(): string | null {
  try {
    execFileSync('bash', [fileURLToPath(new URL('../../scripts/ensure-restic.sh', import.meta.url))], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    return execFileSync('restic', ['version'], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

/** The `summary` message of `restic backup --json` (restic 0.14 fields). */
export interface ResticSummary {
  files_new: number;
  files_changed: number;
  files_unmodified: number;
  data_added: number;
  total_bytes_processed: number;
  snapshot_id: string;
}

export interface ResticStep {
  run: RunResult;
  repoBytes: number;
}

export class Restic {
  readonly repo: string;
  readonly #env: NodeJS.ProcessEnv;

  constructor(workDir: string) {
    this.repo = join(workDir, 'restic-repo');
    const cache = join(workDir, 'restic-cache');
    mkdirSync(cache, { recursive: true });
    this.#env = { ...process.env, RESTIC_REPOSITORY: this.repo, RESTIC_PASSWORD: 'phonesafe-bench', RESTIC_CACHE_DIR: cache };
  }

  async init(): Promise<{ repositoryVersion: number | null }> {
    await runTimed('restic', ['init'], { env: this.#env });
    const { stdout } = await runTimed('restic', ['cat', 'config'], { env: this.#env });
    return { repositoryVersion: (JSON.parse(stdout) as { version?: number }).version ?? null };
  }

  async backup(dir: string): Promise<ResticStep & { summary: ResticSummary }> {
    const run = await runTimed('restic', ['backup', '--json', '--host', 'bench', dir], { env: this.#env });
    const summary = run.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { message_type?: string } & ResticSummary)
      .find((m) => m.message_type === 'summary');
    if (!summary) throw new Error(`restic backup printed no summary:\n${run.stdout.slice(-1000)}`);
    return { run, summary, repoBytes: await dirBytes(this.repo) };
  }

  /** Restores the latest snapshot; restic recreates the absolute source path under `target`. */
  async restore(target: string): Promise<ResticStep> {
    const run = await runTimed('restic', ['restore', 'latest', '--target', target], { env: this.#env });
    return { run, repoBytes: await dirBytes(this.repo) };
  }
}
