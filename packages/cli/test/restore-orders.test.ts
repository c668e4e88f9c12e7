/**
 * Issue 8 items 4 and 6 with real processes: a restore order that cannot be
 * applied (its backup's part is damaged) never blocks the destination's
 * backups; the center shows the failed try and when it is offered again,
 * and the owner cancels it. Only the owner may have a backup deleted after
 * its restore: the handset's restore has no --delete-after.
 */
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RestoreListEntry, RestoreOrder } from '@phonesafe/protocol';
import { cli, cliFails, cliJson, flipByte, largestBlob, ownerEnv, startCenter, tempDir, writeTree } from '@phonesafe/testkit';
import type { BackupJson } from './helpers/types.ts';

const OWNER = 'orders@example.org';

test(
  'a restore order that fails is reported, retried later, never blocks a backup, and the owner cancels it',
  { timeout: 180_000 },
  async (t) => {
    const root = await tempDir(t);
    const data = join(root, 'center');
    // A center clock a thousand times slower than real time: the order's next try (a minute away) cannot come while the test runs.
    const center = await startCenter(t, data, 0, { PHONESAFE_CLOCK: `scaled:${Date.now()}:0.001` });
    const env = ownerEnv(root, 'orders password', { PHONESAFE_CENTER: center.url, PHONESAFE_OWNER: OWNER });
    const [src, a, b] = [join(root, 'src'), join(root, 'a'), join(root, 'b')];
    await writeTree(src, { 'contacts/ann.vcf': 'BEGIN:VCARD\r\nFN:Ann\r\nEND:VCARD\r\n', 'photos/big.jpg': randomBytes(600_000) });
    await cliJson(['handset', 'enroll', '--center', center.url, '--owner', OWNER, '--name', 'A', '--data', a], env);
    await cliJson(['handset', 'import', '--data', a, src], env);
    const backup = await cliJson<BackupJson>(['handset', 'backup', '--data', a], env);
    await cliJson(['handset', 'enroll', '--center', center.url, '--owner', OWNER, '--name', 'B', '--data', b], env);

    const order = await cliJson<RestoreOrder>(['pc', 'restore', '--backup', backup.backupId, '--to', 'B', '--overwrite', 'yes'], env);
    await flipByte(await largestBlob(join(data, 'blobs')));

    // B's own backup runs; the order it could not apply is reported.
    const own = await cliJson<BackupJson>(['handset', 'backup', '--data', b], env);
    assert.ok(own.backupId);
    const listed = async () =>
      (await cliJson<{ restores: RestoreListEntry[] }>(['pc', 'restores'], env)).restores.find((r) => r.restoreId === order.restoreId);
    const failed = await listed();
    assert.deepEqual([failed?.status, failed?.attempts, failed?.lastCode, failed?.handsetName], ['pending', 1, 'PART_DAMAGED', 'B']);
    assert.ok(failed?.nextTryAt, 'the center says when it offers the order again');

    // Not due yet: another command on B does not try it again.
    await cliJson(['handset', 'status', '--data', b], env);
    assert.equal((await listed())?.attempts, 1);

    await cliFails(['pc', 'restore', '--cancel', order.restoreId, '--to', 'B'], env, 2, 'USAGE');
    await cliFails(['pc', 'restore', '--backup', backup.backupId], env, 2, 'USAGE');
    const cancelled = await cliJson<RestoreOrder>(['pc', 'restore', '--cancel', order.restoreId], env);
    assert.equal(cancelled.status, 'cancelled');
    assert.equal((await listed())?.status, 'cancelled');
    assert.match(
      (await cli(['pc', 'restores'], env)).stdout,
      new RegExp(`^${order.restoreId}\\s.*to B\\s.*cancelled\\s+1 failed try \\(last PART_DAMAGED\\)$`, 'm'),
    );
    await cliJson<BackupJson>(['handset', 'backup', '--data', b], env);
    assert.deepEqual([(await listed())?.status, (await listed())?.attempts], ['cancelled', 1]);

    // Item 6: a handset cannot ask for the backup it restores to be deleted.
    await cliFails(['handset', 'restore', '--data', b, '--from-handset', 'A', '--delete-after'], env, 2, 'USAGE');
  },
);
