/**
 * The `phonesafe` command as a user gets it: the launcher `bin/phonesafe`
 * linked into a directory on PATH, with the machine's own node first on
 * PATH (Node 20 here), so a test shows the launcher finds a Node that runs
 * the CLI by itself.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, symlink } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout this testkit belongs to. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The launcher that the README puts on PATH. */
export const LAUNCHER = join(REPO_ROOT, 'bin', 'phonesafe');

/** PATH without the directory of this process's node (the Node 24 that scripts/ensure-node.sh put first). */
export function systemPath(): string {
  const own = dirname(process.execPath);
  return (process.env['PATH'] ?? '')
    .split(delimiter)
    .filter((entry) => entry !== '' && entry !== own)
    .join(delimiter);
}

/** The version of the `node` found first on `path`, or null when there is none. */
export function nodeVersionOn(path: string): string | null {
  try {
    return execFileSync('node', ['--version'], { env: { PATH: path }, encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

/** Links the launcher as `<dir>/phonesafe`, the README's `ln -s "$PWD/bin/phonesafe" ~/.local/bin/`; returns `dir`. */
export async function linkLauncher(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  if (!existsSync(join(dir, 'phonesafe'))) await symlink(LAUNCHER, join(dir, 'phonesafe'));
  return dir;
}
