/**
 * Issue 8 item 8 with real processes: the owner cuts off a lost handset
 * (`pc handsets`, `pc handset revoke`), ends sessions (`pc logout`, and no pc
 * command leaves a session behind) and changes the password (`pc passwd`),
 * which ends every other session while the handsets go on working.
 */
import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { test, type TestContext } from 'node:test';
import type { HandsetInfo } from '@phonesafe/protocol';
import { PhoneSafeError } from '@phonesafe/protocol';
import { CenterClient, loginOwner } from '@phonesafe/protocol/node';
import { centerWithOwner, cli, cliFails, cliJson, type Env, treeDigest, writeTree } from '@phonesafe/testkit';
import { runHandset } from './helpers/live.ts';
import type { BackupJson } from './helpers/types.ts';

const OWNER = 'keeper@example.org';
const PASSWORD = 'the first password';
const TREE = {
  'contacts/alice.vcf': 'BEGIN:VCARD\r\nFN:Alice\r\nEND:VCARD\r\n',
  'notes/todo.txt': 'buy milk\n',
  'photos/a.jpg': Buffer.alloc(70_000, 'p'),
};

async function world(t: TestContext) {
  const { root, center, env } = await centerWithOwner(t, OWNER, PASSWORD);
  const src = join(root, 'src');
  await writeTree(src, TREE);
  const enroll = (dir: string, name: string, extra: string[] = []) =>
    cliJson(['handset', 'enroll', '--center', center.url, '--owner', OWNER, '--name', name, '--data', dir, ...extra], env);
  return { root, center, env, src, enroll };
}

/** Owner sessions the center holds (the center's own SQLite database). */
function liveSessions(centerData: string): number {
  const db = new DatabaseSync(join(centerData, 'center.db'));
  try {
    return Number((db.prepare('SELECT count(*) AS n FROM owner_tokens').get() as { n: number }).n);
  } finally {
    db.close();
  }
}

test(
  'a revoked handset is cut off at once: its run is disconnected and forgets, copied identity files get nothing',
  { timeout: 240_000 },
  async (t) => {
    const w = await world(t);
    const [lost, kept, copy] = [join(w.root, 'lost'), join(w.root, 'kept'), join(w.root, 'finder-copy')];
    await w.enroll(lost, 'lost', ['--phone', '+819012340000']);
    await w.enroll(kept, 'kept');
    await cliJson(['handset', 'import', '--data', lost, w.src], w.env);
    const backup = await cliJson<BackupJson>(['handset', 'backup', '--data', lost], w.env);
    // A finder copies the whole data directory, identity files and owner key included.
    await cp(lost, copy, { recursive: true });

    const listed = await cliJson<{ handsets: HandsetInfo[] }>(['pc', 'handsets'], w.env);
    assert.deepEqual(
      listed.handsets.map((h) => [h.name, h.phone, h.revokedAt]),
      [
        ['lost', '+819012340000', null],
        ['kept', null, null],
      ],
    );

    const run = runHandset(t, lost, w.env);
    await run.next((e) => e.event === 'connected', 'the lost handset connected');
    const revoked = await cli(['pc', 'handset', 'revoke', 'lost'], w.env);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.match(revoked.stdout, /handset 'lost' is revoked/);

    // Disconnected at once, and it forgets its enrolment as after a rescue erase.
    const gone = await run.next((e) => e.event === 'revoked', 'the revocation');
    assert.ok(gone.event === 'revoked' && /revoked/.test(gone.detail), JSON.stringify(gone));
    const end = await run.ended();
    assert.equal(end.code, 3, end.stderr);
    assert.match(end.stderr, /CREDENTIAL_REVOKED/);
    const status = await cliJson<{ enrolled: boolean }>(['handset', 'status', '--data', lost], w.env);
    assert.equal(status.enrolled, false);
    assert.deepEqual([existsSync(join(lost, 'identity.json')), existsSync(join(lost, 'data.key'))], [false, false]);

    // The copy: every call, and the channel upgrade, is refused.
    await cliFails(['handset', 'backup', '--data', copy], w.env, 3, 'CREDENTIAL_REVOKED');
    await cliFails(['handset', 'history', '--data', copy], w.env, 3, 'CREDENTIAL_REVOKED');
    const copyRun = runHandset(t, copy, w.env);
    await copyRun.next((e) => e.event === 'revoked', 'the copy refused');
    const copyEnd = await copyRun.ended();
    assert.equal(copyEnd.code, 3, copyEnd.stderr);
    assert.match(copyEnd.stderr, /CREDENTIAL_REVOKED/);

    // The owner sees it revoked, keeps its backups, and the other handset goes on.
    const after = await cliJson<{ handsets: HandsetInfo[] }>(['pc', 'handsets'], w.env);
    assert.ok(after.handsets.find((h) => h.name === 'lost')?.revokedAt);
    assert.equal(after.handsets.find((h) => h.name === 'kept')?.revokedAt, null);
    const human = await cli(['pc', 'handsets'], w.env);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /^lost\s+\S+ \S+\s+\S+ \S+\s+\+819012340000\s+revoked \S+ \S+$/m);
    assert.match(human.stdout, /^kept\s+\S+ \S+\s+(-|\S+ \S+)\s+-\s+-$/m);
    const download = join(w.root, 'download');
    await cliJson(['pc', 'download', '--backup', backup.backupId, '--out', download], w.env);
    assert.deepEqual(await treeDigest(download), await treeDigest(w.src));
    await cliJson(['handset', 'backup', '--data', kept], w.env);
    // Revoking again is no error; a name the owner has not is.
    assert.equal((await cli(['pc', 'handset', 'revoke', 'lost'], w.env)).code, 0);
    await cliFails(['pc', 'handset', 'revoke', 'nobody'], w.env, 4, 'NOT_FOUND');
  },
);

test(
  'pc passwd: the old password fails, the new one works and still decrypts, other sessions end, handsets go on; pc logout',
  { timeout: 240_000 },
  async (t) => {
    const w = await world(t);
    const phone = join(w.root, 'phone');
    await w.enroll(phone, 'phone');
    await cliJson(['handset', 'import', '--data', phone, w.src], w.env);
    const backup = await cliJson<BackupJson>(['handset', 'backup', '--data', phone], w.env);
    // Neither the enrolment nor a pc command leaves a session behind.
    await cliJson(['pc', 'backups'], w.env);
    assert.equal(liveSessions(w.center.data), 0);

    // Another session: a client logged in elsewhere.
    const client = new CenterClient({ baseUrl: w.center.url });
    t.after(() => client.close());
    const elsewhere = await loginOwner(client, OWNER, PASSWORD);

    const newEnv: Env = { ...w.env, PHONESAFE_PASSWORD: 'the second password' };
    const changed = await cli(['pc', 'passwd'], { ...w.env, PHONESAFE_NEW_PASSWORD: newEnv.PHONESAFE_PASSWORD! });
    assert.equal(changed.code, 0, changed.stderr);
    assert.match(changed.stdout, /password changed for keeper@example\.org; 1 other session ended/);
    assert.match(changed.stdout, /handsets keep working/);
    assert.equal(liveSessions(w.center.data), 0);

    await assert.rejects(elsewhere.client.listHandsets(), (e) => e instanceof PhoneSafeError && e.code === 'UNAUTHENTICATED');
    await cliFails(['pc', 'backups'], w.env, 3, 'UNAUTHENTICATED');
    const download = join(w.root, 'download');
    await cliJson(['pc', 'download', '--backup', backup.backupId, '--out', download], newEnv);
    assert.deepEqual(await treeDigest(download), await treeDigest(w.src));
    // The handset keeps its own credential and data key.
    await cliJson(['handset', 'import', '--data', phone, w.src], newEnv);
    await cliJson(['handset', 'backup', '--data', phone], { HOME: w.root });
    // A new handset is enrolled with the new password.
    await w.enroll(join(w.root, 'second'), 'second').then(
      () => assert.fail('the old password enrolled a handset'),
      (error: unknown) => assert.match(String(error), /UNAUTHENTICATED/),
    );
    await cliJson(
      ['handset', 'enroll', '--center', w.center.url, '--owner', OWNER, '--name', 'second', '--data', join(w.root, 'second')],
      newEnv,
    );

    // The new password must be given, and differ from the old one.
    await cliFails(['pc', 'passwd'], newEnv, 2, 'USAGE');
    await cliFails(['pc', 'passwd'], { ...newEnv, PHONESAFE_NEW_PASSWORD: newEnv.PHONESAFE_PASSWORD! }, 2, 'USAGE');

    // pc logout forgets the center and owner this pc remembered.
    const { PHONESAFE_CENTER: _center, PHONESAFE_OWNER: _owner, ...bare } = newEnv;
    await cliJson(['pc', 'backups', '--center', w.center.url, '--owner', OWNER], bare);
    assert.equal((await cliJson<{ backups: unknown[] }>(['pc', 'backups'], bare)).backups.length, 2);
    const out = await cli(['pc', 'logout'], bare);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /keeper@example\.org/);
    await cliFails(['pc', 'backups'], bare, 2, 'USAGE');
  },
);
