/**
 * A handset holds thousands of small items, and parts travel in batches of
 * hundreds: backing them up and restoring them must never hold a file open
 * per part. The handset processes run with a low open-file limit (ulimit -n),
 * as on a small device; before reads were bounded, a batch ran out (EMFILE).
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { centerWithOwner, cliJson, type Env, finished, MAIN, treeDigest, type TreeSpec, writeTree } from '@phonesafe/testkit';

const OPEN_FILES = 96;
const ITEMS = 1_200;

/** `phonesafe ARGS --json` under `ulimit -n OPEN_FILES`; expects success. */
async function limited<T>(args: readonly string[], env: Env): Promise<T> {
  const child = spawn('bash', ['-c', `ulimit -n ${OPEN_FILES} && exec "$0" "$@"`, process.execPath, MAIN, ...args, '--json'], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const result = await finished(child);
  assert.equal(result.code, 0, `phonesafe ${args.join(' ')} under ulimit -n ${OPEN_FILES} failed (${result.code}): ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

test(`${ITEMS} small items are backed up and restored with at most ${OPEN_FILES} open files`, { timeout: 180_000 }, async (t) => {
  const { root, center, env } = await centerWithOwner(t, 'files@example.org', 'open files owner password');
  const tree: TreeSpec = {};
  for (let i = 0; i < ITEMS; i++)
    tree[`contacts/c${String(i).padStart(4, '0')}.vcf`] = `BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person ${i}\r\nEND:VCARD\r\n`;
  const src = join(root, 'src');
  await writeTree(src, tree);
  const [a, b] = [join(root, 'a'), join(root, 'b')];
  for (const [dir, name] of [
    [a, 'A'],
    [b, 'B'],
  ] as const) {
    await cliJson(['handset', 'enroll', '--center', center.url, '--owner', 'files@example.org', '--name', name, '--data', dir], env);
  }
  await cliJson(['handset', 'import', '--data', a, src], env);

  const backup = await limited<{ files: number; sentParts: number }>(['handset', 'backup', '--data', a], env);
  assert.deepEqual([backup.files, backup.sentParts], [ITEMS, ITEMS]);
  const restored = await limited<{ restored: number }>(
    ['handset', 'restore', '--data', b, '--from-handset', 'A', '--overwrite', 'yes'],
    env,
  );
  assert.equal(restored.restored, ITEMS);
  const out = join(root, 'out');
  await cliJson(['handset', 'export', '--data', b, out], env);
  assert.deepEqual(await treeDigest(out), await treeDigest(src));
});
