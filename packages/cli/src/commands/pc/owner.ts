/**
 * `phonesafe pc handsets | handset revoke | passwd | logout`: the owner's
 * handsets and sessions (issue 8: cutting off a lost handset, ending
 * sessions, changing the password).
 */
import type { Command } from 'commander';
import { changePassword, listHandsets, loadProfile, pcConfigDir, revokeHandset, saveProfile } from '@phonesafe/pc';
import type { HandsetInfo } from '@phonesafe/protocol';
import type { CliEnv } from '../../env.ts';
import { verb } from '../../options.ts';
import { columns, humanTime, plural, Output } from '../../output.ts';
import { readNewPassword } from '../../password.ts';
import { pcVerb, withSession, type PcFlags } from './with-session.ts';

export function ownerVerbs(pc: Command, env: CliEnv): void {
  pcVerb(pc, 'handsets', 'list your handsets: enrolled, last seen, phone number, revoked').action((flags: PcFlags) =>
    withSession(env, flags, async (session, out) => {
      const handsets = await listHandsets(session);
      out.result({ handsets }, ({ handsets: list }) => handsetLines(list));
    }),
  );

  const handset = pc.command('handset').description('one of your handsets: revoke it');
  pcVerb(
    handset,
    'revoke',
    'cut a handset off (e.g. a lost one): its credential stops working everywhere, a running `handset run` is disconnected and forgets its enrolment; its backups stay',
  )
    .argument('<name>', 'the handset')
    .action((name: string, flags: PcFlags) =>
      withSession(env, flags, async (session, out) => {
        const revoked = await revokeHandset(session, name);
        out.result({ handset: revoked }, ({ handset: h }) => [
          `handset '${h.name}' is revoked${h.revokedAt ? ` (since ${humanTime(h.revokedAt)} UTC)` : ''}: its credential no longer works, on this center and any other sharing its database;`,
          'a running `handset run` is disconnected at once and forgets its enrolment; it gets no more backup requests; its backups are kept',
        ]);
      }),
    );

  passwdVerb(pc, env);

  verb(
    pc,
    'logout',
    'forget the center and owner this pc remembers (no pc command leaves a session at the center: each one logs out when it ends)',
  ).action(async (flags: { json?: boolean }) => {
    const out = new Output(Boolean(flags.json));
    const dir = pcConfigDir(env.pc());
    const profile = await loadProfile(dir);
    if (profile.center || profile.owner || profile.ca) await saveProfile(dir, {});
    const forgot = { center: profile.center ?? null, owner: profile.owner ?? null };
    out.result(forgot, (f) =>
      f.center || f.owner
        ? `forgot ${f.owner ?? 'no owner'} at ${f.center ?? 'no center'} on this pc; no session of it is left at the center`
        : 'this pc remembered no center or owner',
    );
  });
}

function passwdVerb(pc: Command, env: CliEnv): void {
  pcVerb(
    pc,
    'passwd',
    "change the owner's password (the new one from --new-password-file/-command, else PHONESAFE_NEW_PASSWORD, else asked twice); other sessions end, handsets keep working",
  )
    .option('--new-password-file <file>', 'read the new password from this file (its first line)')
    .option('--new-password-command <command>', 'run this shell command and take the new password from its output')
    .action((flags: PcFlags & { newPasswordFile?: string; newPasswordCommand?: string }) =>
      withSession(env, flags, async (session, out, password) => {
        const newPassword = await readNewPassword(env, {
          ...(flags.newPasswordFile !== undefined ? { passwordFile: flags.newPasswordFile } : {}),
          ...(flags.newPasswordCommand !== undefined ? { passwordCommand: flags.newPasswordCommand } : {}),
        });
        const { endedSessions } = await changePassword(session, password, newPassword);
        out.result({ owner: session.owner.email, endedSessions }, (r) => [
          `password changed for ${r.owner}; ${plural(r.endedSessions, 'other session')} ended`,
          'handsets keep working (each has its own credential and the data key); enrol new handsets with the new password',
        ]);
      }),
    );
}

function handsetLines(list: readonly HandsetInfo[]): string[] {
  const rows = list.map((h) => [
    h.name,
    humanTime(h.enrolledAt),
    h.lastSeenAt ? humanTime(h.lastSeenAt) : '-',
    h.phone ?? '-',
    h.revokedAt ? `revoked ${humanTime(h.revokedAt)}` : '-',
  ]);
  return [...columns([['NAME', 'ENROLLED', 'LAST SEEN', 'PHONE', 'REVOKED'], ...rows]), plural(list.length, 'handset')];
}
