/**
 * Issue 11 item 7: a new owner password must be strong (length, and not
 * common as zxcvbn-ts judges it), at registration and in `pc passwd`;
 * `--password-file` and `--password-command` give the owner's password;
 * `pc passwd` works and the old password no longer does.
 */
import { strict as assert } from 'node:assert';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliFails, cliJson, readTree, startCenter, tempDir, writeTree, type Env } from '@phonesafe/testkit';

const OWNER = 'strong@example.org';
const FIRST = 'quiet orange ladder seventeen';
const SECOND = 'brisk violet harbour ninety';

test(
  'weak passwords are refused for new owners and by pc passwd; --password-file and --password-command',
  { timeout: 180_000 },
  async (t) => {
    const root = await tempDir(t);
    const center = await startCenter(t, join(root, 'center'));
    // No PHONESAFE_PASSWORD: every password below comes from a flag's file or command.
    const env: Env = { HOME: root, PHONESAFE_PC_DIR: join(root, 'pc-profile'), PHONESAFE_CENTER: center.url, PHONESAFE_OWNER: OWNER };
    const enroll = (name: string, extra: string[]) => [
      'handset',
      'enroll',
      '--center',
      center.url,
      '--owner',
      OWNER,
      '--name',
      name,
      '--data',
      join(root, name),
      ...extra,
    ];

    // A weak password registers nobody: a common one, and a short one.
    // (The address may be taken, with another password: the answer says both.)
    const failed = await cliFails(enroll('A', []), { ...env, PHONESAFE_PASSWORD: 'password1234' }, 3, 'UNAUTHENTICATED');
    assert.match(failed.stderr, /does not log in as strong@example\.org, and is too weak to register a new owner/);
    await cliFails(enroll('A', []), { ...env, PHONESAFE_PASSWORD: 'Zq8#kd!' }, 3, 'UNAUTHENTICATED');

    const firstFile = join(root, 'first.txt');
    await writeFile(firstFile, `${FIRST}\n`);
    const enrolled = await cliJson<{ ownerRegistered: boolean }>(enroll('A', ['--password-file', firstFile]), env);
    assert.equal(enrolled.ownerRegistered, true);

    const viaCommand = ['--password-command', `printf '%s\\n' '${FIRST}'`];
    assert.deepEqual((await cliJson<{ backups: unknown[] }>(['pc', 'backups', ...viaCommand], env)).backups, []);
    await cliFails(['pc', 'backups', '--password-command', 'exit 3'], env, 2, 'USAGE');
    await cliFails(['pc', 'backups', '--password-file', firstFile, ...viaCommand], env, 2, 'USAGE');
    await cliFails(['pc', 'backups', '--password-file', join(root, 'absent.txt')], env, 2, 'USAGE');

    // pc passwd: a weak new password is refused and changes nothing; a strong one replaces the old.
    const weak = await cliFails(
      ['pc', 'passwd', '--password-file', firstFile],
      { ...env, PHONESAFE_NEW_PASSWORD: 'strong@example.org' },
      2,
      'USAGE',
    );
    assert.match(weak.stderr, /the new password is too weak/);
    await cliJson(['pc', 'backups', '--password-file', firstFile], env);
    const secondFile = join(root, 'second.txt');
    await writeFile(secondFile, `${SECOND}\n`);
    const changed = await cliJson<{ endedSessions: number }>(
      ['pc', 'passwd', '--password-file', firstFile, '--new-password-file', secondFile],
      env,
    );
    assert.equal(changed.endedSessions, 0);
    await cliFails(['pc', 'backups', '--password-file', firstFile], env, 3, 'UNAUTHENTICATED');
    await cliJson(['pc', 'backups', '--password-file', secondFile], env);
    await cliJson(enroll('B', ['--password-file', secondFile]), env);
  },
);

test('a recovery key printed once at registration sets a new password; the old one stops working', { timeout: 180_000 }, async (t) => {
  const root = await tempDir(t);
  const center = await startCenter(t, join(root, 'center'));
  const owner = 'recover@example.org';
  const base: Env = { HOME: root, PHONESAFE_PC_DIR: join(root, 'pc-profile'), PHONESAFE_CENTER: center.url, PHONESAFE_OWNER: owner };
  const before = { ...base, PHONESAFE_PASSWORD: FIRST };
  const after = { ...base, PHONESAFE_PASSWORD: SECOND };
  const [phone, src, out] = [join(root, 'phone'), join(root, 'src'), join(root, 'out')];
  const enrolled = await cliJson<{ recoveryKey?: string }>(
    ['handset', 'enroll', '--center', center.url, '--owner', owner, '--name', 'phone', '--data', phone, '--recovery-key'],
    before,
  );
  const key = enrolled.recoveryKey!;
  assert.match(key, /^([0-9a-f]{8}-){7}[0-9a-f]{8}$/);
  await writeTree(src, { 'contacts/ann.vcf': 'BEGIN:VCARD\r\nFN:Ann\r\nEND:VCARD\r\n' });
  await cliJson(['handset', 'import', '--data', phone, src], before);
  const backup = await cliJson<{ backupId: string }>(['handset', 'backup', '--data', phone], before);

  const wrongKey = 'ab'.repeat(32);
  await cliFails(['pc', 'recover'], { ...base, PHONESAFE_RECOVERY_KEY: wrongKey, PHONESAFE_NEW_PASSWORD: SECOND }, 3, 'UNAUTHENTICATED');
  await cliFails(['pc', 'recover'], { ...base, PHONESAFE_RECOVERY_KEY: key, PHONESAFE_NEW_PASSWORD: 'password1234' }, 2, 'USAGE');
  const keyFile = join(root, 'key.txt');
  await writeFile(keyFile, `${key.toUpperCase()}\n`);
  const recovered = await cliJson<{ endedSessions: number }>(['pc', 'recover', '--recovery-key-file', keyFile], {
    ...base,
    PHONESAFE_NEW_PASSWORD: SECOND,
  });
  assert.equal(recovered.endedSessions, 0);

  await cliFails(['pc', 'backups'], before, 3, 'UNAUTHENTICATED');
  await cliJson(['pc', 'download', '--backup', backup.backupId, '--out', out], after);
  assert.deepEqual([...(await readTree(out)).keys()], ['contacts/ann.vcf']);
  const notices = await cliJson<{ notices: { kind: string }[] }>(['pc', 'notices'], after);
  assert.ok(notices.notices.some((n) => n.kind === 'password-recovered'));

  // A new recovery key replaces the old one.
  const fresh = await cliJson<{ recoveryKey: string }>(['pc', 'recovery-key'], after);
  assert.notEqual(fresh.recoveryKey, key);
  await cliFails(['pc', 'recover'], { ...base, PHONESAFE_RECOVERY_KEY: key, PHONESAFE_NEW_PASSWORD: FIRST }, 3, 'UNAUTHENTICATED');
});
