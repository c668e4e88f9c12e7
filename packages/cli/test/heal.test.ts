/**
 * Issue 8 item 5, end to end: a flipped byte in one stored part and another
 * part's blob deleted. `center verify` reports and marks both; the next
 * backup of the handset, which still holds the data, sends them again; then
 * verify is clean and a restore onto another handset is byte-identical.
 */
import { strict as assert } from 'node:assert';
import { rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { centerWithOwner, cli, cliFails, cliJson, flipByte, handsetTree, listFiles, treeDigest, writeTree } from '@phonesafe/testkit';
import type { BackupJson } from './helpers/types.ts';

const OWNER = 'heal@example.org';

interface VerifyJson {
  checked: number;
  damaged: Array<{ id: string; reason: string }>;
}

test(
  'damaged and lost parts heal: verify marks them, the next backup sends them again, verify is clean, the restore is identical',
  { timeout: 300_000 },
  async (t) => {
    const { root, data, center, env } = await centerWithOwner(t, OWNER, 'healing owner password');
    const [src, a, d] = [join(root, 'src'), join(root, 'handset-a'), join(root, 'handset-d')];
    await writeTree(src, handsetTree());
    const source = await treeDigest(src);
    await cliJson(['handset', 'enroll', '--center', center.url, '--owner', OWNER, '--name', 'A', '--data', a], env);
    await cliJson(['handset', 'import', '--data', a, src], env);
    await cliJson<BackupJson>(['handset', 'backup', '--data', a], env);
    assert.deepEqual((await cliJson<VerifyJson>(['center', 'verify', '--data', data], env)).damaged, []);

    // The two largest blobs hold pieces of the 12 MiB photo, not the manifest.
    const [flipped, lost] = await largestBlobs(join(data, 'blobs'), 2);
    await flipByte(flipped!);
    await rm(lost!);
    const idOf = (path: string) => basename(path).split('.')[0]!;

    await cliFails(['center', 'verify', '--data', data], env, 7, 'PART_DAMAGED');
    const report = JSON.parse((await cli(['center', 'verify', '--data', data, '--json'], env)).stdout) as VerifyJson;
    assert.deepEqual(
      report.damaged.map((x) => [x.id, x.reason]).sort(),
      [
        [idOf(flipped!), 'hash-mismatch'],
        [idOf(lost!), 'missing'],
      ].sort(),
    );

    const again = await cliJson<BackupJson>(['handset', 'backup', '--data', a], env);
    assert.equal(again.sentParts, 2, 'the next backup sends exactly the two damaged parts again');
    assert.deepEqual((await cliJson<VerifyJson>(['center', 'verify', '--data', data], env)).damaged, [], 'verify is clean after the heal');

    await cliJson(['handset', 'enroll', '--center', center.url, '--owner', OWNER, '--name', 'D', '--data', d], env);
    await cliJson(['handset', 'restore', '--data', d, '--from-handset', 'A', '--overwrite', 'yes'], env);
    const exported = join(root, 'export-d');
    await cliJson(['handset', 'export', '--data', d, exported], env);
    assert.deepEqual(await treeDigest(exported), source);
  },
);

async function largestBlobs(blobs: string, count: number): Promise<string[]> {
  const sized: Array<{ path: string; size: number }> = [];
  for (const path of await listFiles(blobs)) {
    if (path.includes(`${join(blobs, 'tmp')}/`)) continue;
    sized.push({ path, size: (await stat(path)).size });
  }
  sized.sort((x, y) => y.size - x.size);
  assert.ok(sized.length >= count, 'the center stored blobs');
  return sized.slice(0, count).map((s) => s.path);
}
