import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ManualClock } from '@phonesafe/protocol';
import { HandsetAgent, type AgentOptions } from '../src/index.ts';
import { IdentityFiles } from '../src/identity/identity-files.ts';
import { layoutOf } from '../src/layout.ts';

/** A fresh temporary folder, removed by the returned cleanup. */
export async function tempDir(t: { after: (fn: () => Promise<void>) => void }, label: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `phonesafe-handset-${label}-`));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes `files` (relative path → content) under `root`. */
export async function writeTree(root: string, files: Record<string, string | Uint8Array>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    const target = join(root, ...path.split('/'));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
  }
}

/** Every regular file under `root` as relative path → bytes. */
export async function readTree(root: string, prefix = ''): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const entry of await readdir(root, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    const abs = join(root, entry.name);
    if (entry.isDirectory()) for (const [k, v] of await readTree(abs, rel)) out.set(k, v);
    else if (entry.isFile()) out.set(rel, await readFile(abs));
  }
  return out;
}

export async function fileNames(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}

export async function modeOf(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

/**
 * A handset that holds an enrolment without having met a center: enough to
 * make backup copies (they need only the owner's key). The center URL points
 * nowhere unless `center` is given, so anything that talks to it fails with NETWORK.
 */
export async function enrolledOffline(dir: string, options: AgentOptions = {}, center = 'http://127.0.0.1:9'): Promise<HandsetAgent> {
  await mkdir(dir, { recursive: true });
  const identity = {
    center,
    handsetId: 'handset-offline-1',
    name: 'offline',
    credential: 'h1.handset-offline-1.secret',
    owner: 'owner@example.com',
  };
  await new IdentityFiles(layoutOf(dir)).save(identity, randomBytes(32));
  return HandsetAgent.open(dir, { clock: new ManualClock(), ...options });
}
