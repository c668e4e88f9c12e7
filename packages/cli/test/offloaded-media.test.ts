/**
 * Issue 8 item 1 with real processes, under the default settings: media
 * offloaded to the center (B9) stays fetchable however many scheduled
 * backups of the default scope (contacts only) follow and whatever prune
 * then deletes, and a replacement handset's restore of the lost one with no
 * --backup gets the newest version of every item across its backups, not
 * only what the newest (contacts-only) backup holds.
 */
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import { centerWithOwner, cliJson, treeDigest, writeTree } from '@phonesafe/testkit';
import type { BackupJson, RestoreJson } from './helpers/types.ts';

const OWNER = 'offload@example.org';

test(
  'offloaded media survives eleven contacts-only backups and a prune; a restore with no --backup finds every item',
  { timeout: 300_000 },
  async (t) => {
    const { root, data, center, env } = await centerWithOwner(t, OWNER, 'offload password');
    const [src, a, b] = [join(root, 'src'), join(root, 'a'), join(root, 'b')];
    await writeTree(src, {
      'contacts/ann.vcf': 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann\r\nEND:VCARD\r\n',
      'contacts/bob.vcf': 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bob\r\nEND:VCARD\r\n',
      'calendar/work.ics': 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n',
      'photos/big.jpg': randomBytes(700_000),
      'photos/small.jpg': randomBytes(50_000),
    });
    const source = await treeDigest(src);
    await cliJson(['handset', 'enroll', '--center', center.url, '--owner', OWNER, '--name', 'A', '--data', a], env);
    await cliJson(['handset', 'import', '--data', a, src], env);
    await cliJson<BackupJson>(['handset', 'backup', '--data', a], env);
    const offloaded = await cliJson<{ items: Array<{ path: string }> }>(['handset', 'offload', '--data', a, '--kinds', 'media'], env);
    assert.deepEqual(offloaded.items.map((i) => i.path).sort(), ['photos/big.jpg', 'photos/small.jpg']);

    // The default targets are contacts only; the power-on trigger starts a backup of them.
    const settings = await cliJson<{ settings: { targets: { kinds: string[] } } }>(
      ['handset', 'settings', '--data', a, '--set', 'triggers.powerOn=true'],
      env,
    );
    assert.deepEqual(settings.settings.targets.kinds, ['contacts']);
    for (let i = 0; i < 11; i++) {
      const powered = await cliJson<{ backup: { ok: boolean; result: BackupJson } }>(['handset', 'power-on', '--data', a], env);
      assert.equal(powered.backup.ok, true);
      assert.deepEqual(powered.backup.result.kinds, ['contacts']);
    }
    await cliJson(['center', 'prune', '--data', data], { ...env, PHONESAFE_PRUNE_GRACE_SECONDS: '0' });

    for (const path of ['photos/big.jpg', 'photos/small.jpg']) {
      const fetched = await cliJson<{ fetched: boolean }>(['handset', 'fetch', '--data', a, path], env);
      assert.equal(fetched.fetched, true, path);
    }
    const exportA = join(root, 'export-a');
    await cliJson(['handset', 'export', '--data', a, exportA], env);
    assert.deepEqual(await treeDigest(exportA), source, 'the media came back byte for byte');

    // A replacement: the newest backup holds contacts (and the stubs); media and calendar come from older ones.
    await cliJson(['handset', 'enroll', '--center', center.url, '--owner', OWNER, '--name', 'B', '--data', b], env);
    const restored = await cliJson<RestoreJson>(['handset', 'restore', '--data', b, '--from-handset', 'A', '--overwrite', 'yes'], env);
    assert.equal(restored.restored, Object.keys(source).length);
    const exportB = join(root, 'export-b');
    await cliJson(['handset', 'export', '--data', b, exportB], env);
    assert.deepEqual(await treeDigest(exportB), source);
  },
);
