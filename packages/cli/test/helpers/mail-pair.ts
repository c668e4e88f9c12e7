/** A pc and a handset paired for backup by mail through the real test mail system (own mailboxes per test). */
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { cliJson, mailbox, tempDir, type Env, type TestMailbox } from '@phonesafe/testkit';

export interface MailPair {
  pc: TestMailbox;
  phone: TestMailbox;
  owner: TestMailbox;
  pcEnv: Env;
  hsEnv: Env;
  handsetDir: string;
  name: string;
}

export async function mailPair(
  t: TestContext,
  options: { notifyEvery?: number; notifyInterval?: string; maxMailPayload?: number; handsetSmtp?: string; maxBundle?: number } = {},
): Promise<MailPair> {
  const [pc, phone, owner] = [await mailbox('pc', 'pc.test'), await mailbox('phone', 'phone.test'), await mailbox('owner', 'owner.test')];
  const pcDir = await tempDir(t, 'pc');
  const handsetDir = await tempDir(t, 'handset');
  const codeFile = join(await tempDir(t, 'code'), 'pairing-code');
  const pcEnv = { PHONESAFE_PC_DIR: pcDir, PHONESAFE_PC_MAIL_PASSWORD: pc.password };
  const hsEnv = { PHONESAFE_MAIL_PASSWORD: phone.password };
  const name = 'phone-a';
  await cliJson(
    [
      'pc',
      'mail-pair',
      '--name',
      name,
      '--address',
      pc.address,
      '--smtp',
      pc.smtp,
      '--imap',
      pc.imap,
      '--handset-address',
      phone.address,
      '--notify',
      owner.address,
      '--code-out',
      codeFile,
    ],
    pcEnv,
  );
  await cliJson(
    [
      'handset',
      'mail-pair',
      '--data',
      handsetDir,
      '--code-file',
      codeFile,
      '--address',
      phone.address,
      '--smtp',
      options.handsetSmtp ?? phone.smtp,
      '--imap',
      phone.imap,
      '--pc',
      pc.address,
      '--notify',
      owner.address,
      ...(options.notifyInterval ? ['--notify-interval', options.notifyInterval] : ['--notify-every', String(options.notifyEvery ?? 1)]),
      ...(options.maxMailPayload ? ['--max-mail-payload', String(options.maxMailPayload)] : []),
      ...(options.maxBundle ? ['--max-bundle', String(options.maxBundle)] : []),
    ],
    hsEnv,
  );
  return { pc, phone, owner, pcEnv, hsEnv, handsetDir, name };
}
