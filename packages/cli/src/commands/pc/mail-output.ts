/** What `pc mail-*` prints of answers, and waiting for one. */
import type { AnswerRecord, PcMail, ReceiveResult } from '@phonesafe/pc';
import { PhoneSafeError } from '@phonesafe/protocol';
import type { CliEnv } from '../../env.ts';
import { capped, humanBytes, plural } from '../../output.ts';

export function mailAnswerLines(handset: string, a: AnswerRecord): string[] {
  if (a.code === 'backup-response')
    return [`backup ${a.backupId} recorded from ${handset}: ${plural(a.files ?? 0, 'file')}, ${humanBytes(a.bytes ?? 0)}`];
  if (a.code === 'pairing-ended') return [`${handset} ended the mail pairing: ${a.detail ?? ''}`];
  const head =
    a.status === 'ok'
      ? `restore completed on ${handset}: ${plural(a.restored ?? 0, 'file')} restored, ${a.alreadyThere ?? 0} already there, ${a.skipped ?? 0} kept unchanged`
      : `restore NOT applied on ${handset} (${a.status}): ${plural(a.conflicts?.length ?? 0, 'file')} would be overwritten; the owner answers on the handset (handset mail-poll --overwrite yes|no)`;
  return [head, ...capped(a.conflicts ?? []).map((p) => `  conflict ${p}`)];
}

export function receiveLines(r: ReceiveResult): string[] {
  return [
    ...r.answers.flatMap((a) => mailAnswerLines(a.handset, a)),
    ...r.refused.map((x) => `refused a mail${x.handset ? ` for ${x.handset}` : ''} (${x.reason}): ${x.detail}`),
    ...r.incomplete.map((i) => `answer from ${i.handset} incomplete: part(s) ${i.missing.join(', ')} of ${i.of} missing`),
    ...(r.answers.length + r.refused.length + r.incomplete.length === 0 ? ['no new mail'] : []),
  ];
}

/**
 * Reads the mailbox until the answer to `re` is recorded or `seconds` pass
 * (by the process clock). Then MAIL_INCOMPLETE naming missing parts when
 * some arrived, else MAIL_TIMEOUT. 0 seconds: do not wait.
 */
export async function mailWait(
  mail: PcMail,
  env: CliEnv,
  handset: string,
  re: string,
  password: string,
  seconds: number,
): Promise<AnswerRecord | undefined> {
  if (!(seconds > 0)) return undefined;
  const clock = env.clock();
  const deadline = clock.now().getTime() + seconds * 1000;
  let last: ReceiveResult | undefined;
  for (;;) {
    last = await mail.receive(password, handset);
    const answer = await mail.answer(handset, re);
    if (answer) return answer;
    if (clock.now().getTime() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const partial = last?.incomplete.find((i) => i.re === re);
  if (partial)
    throw new PhoneSafeError(
      'MAIL_INCOMPLETE',
      `the answer is incomplete: part(s) ${partial.missing.join(', ')} of ${partial.of} missing; nothing recorded`,
    );
  throw new PhoneSafeError(
    'MAIL_TIMEOUT',
    `no answer from ${handset} in ${seconds} s; \`phonesafe pc mail-fetch\` records it if it comes later`,
  );
}
