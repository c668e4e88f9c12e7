/**
 * Issue 8 item 10 at the command line: the operator sets an owner's quota
 * (`center quota`, beside the running center), the owner sees it and sets a
 * lower limit of its own (`pc quota`), and a backup that does not fit fails
 * with QUOTA_EXCEEDED: refused at its start once the stored bytes reach the
 * quota, and at its upload when its new parts would go past it.
 */
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import { centerWithOwner, cliFails, cliJson, writeTree } from '@phonesafe/testkit';
import type { BackupJson } from './helpers/types.ts';

const OWNER = 'quota@example.org';
const DEFAULT_QUOTA = 10 * 1024 ** 3;

interface QuotaJson {
  storedBytes: number;
  quotaBytes: number;
  centerQuotaBytes: number;
  limitBytes: number | null;
}

test(
  'the operator sets the quota, the owner a lower limit; backups that do not fit fail with QUOTA_EXCEEDED',
  { timeout: 300_000 },
  async (t) => {
    const { root, data, center, env } = await centerWithOwner(t, OWNER, 'quota password');
    const phone = join(root, 'phone');
    await writeTree(join(root, 'src-1'), { 'notes/one.txt': 'the first backup' });
    await cliJson(['handset', 'enroll', '--center', center.url, '--owner', OWNER, '--name', 'phone', '--data', phone], env);
    await cliJson(['handset', 'import', '--data', phone, join(root, 'src-1')], env);
    await cliJson<BackupJson>(['handset', 'backup', '--data', phone], env);
    const operator = (extra: string[]) => cliJson<QuotaJson>(['center', 'quota', '--data', data, '--owner', OWNER, ...extra], env);

    const first = await operator([]);
    assert.ok(first.storedBytes > 0);
    assert.deepEqual(first, {
      storedBytes: first.storedBytes,
      quotaBytes: DEFAULT_QUOTA,
      centerQuotaBytes: DEFAULT_QUOTA,
      limitBytes: null,
    });
    assert.deepEqual(await cliJson<QuotaJson>(['pc', 'quota'], env), first);

    // Room for a little more, not for a 200 KiB photo: the start passes, the upload is refused.
    const room = first.storedBytes + 50_000;
    assert.equal((await operator(['--bytes', String(room)])).quotaBytes, room);
    await writeTree(join(root, 'src-2'), { 'photos/big.jpg': randomBytes(200_000) });
    await cliJson(['handset', 'import', '--data', phone, join(root, 'src-2')], env);
    await cliFails(['handset', 'backup', '--data', phone], env, 5, 'QUOTA_EXCEEDED');

    // The owner's own limit below what is stored: the next start is refused.
    const limited = await cliJson<QuotaJson>(['pc', 'quota', '--limit', '1K'], env);
    assert.deepEqual([limited.quotaBytes, limited.limitBytes, limited.centerQuotaBytes], [1024, 1024, room]);
    await cliFails(['handset', 'backup', '--data', phone], env, 5, 'QUOTA_EXCEEDED');
    // A limit above the operator's quota does not raise it.
    assert.equal((await cliJson<QuotaJson>(['pc', 'quota', '--limit', '1T'], env)).quotaBytes, room);

    assert.equal((await cliJson<QuotaJson>(['pc', 'quota', '--limit', 'none'], env)).limitBytes, null);
    assert.equal((await operator(['--bytes', 'default'])).quotaBytes, DEFAULT_QUOTA);
    assert.equal((await cliJson<BackupJson>(['handset', 'backup', '--data', phone], env)).sentParts > 0, true);

    await cliFails(['center', 'quota', '--data', data, '--owner', 'nobody@example.org'], env, 4, 'NOT_FOUND');
    await cliFails(['center', 'quota', '--data', data, '--owner', OWNER, '--bytes', 'lots'], env, 2, 'USAGE');
    await cliFails(['pc', 'quota', '--limit', '-5'], env, 2, 'USAGE');
  },
);
