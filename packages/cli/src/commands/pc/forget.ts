/**
 * `phonesafe pc forget | keep`: restic's `forget` with its retention flags
 * (applied by the center per handset and kind, as after every backup), or
 * named backups; `--dry-run` says what would go. `pc keep` keeps a backup
 * for good: retention never forgets it and `forget` refuses it.
 */
import type { Command } from 'commander';
import { forgetBackups, keepBackup, listBackups, pickBackup, type PcSession } from '@phonesafe/pc';
import { PhoneSafeError, type ForgetResponse } from '@phonesafe/protocol';
import type { CliEnv } from '../../env.ts';
import { columns, humanTime, plural, type Output } from '../../output.ts';
import { pcVerb, withSession, type PcFlags } from './with-session.ts';

interface ForgetFlags extends PcFlags {
  handset?: string;
  keepLast?: number;
  keepDaily?: number;
  keepWeekly?: number;
  keepMonthly?: number;
  dryRun?: boolean;
}

const POLICY_FLAGS = ['keepLast', 'keepDaily', 'keepWeekly', 'keepMonthly'] as const;

export function forgetVerbs(pc: Command, env: CliEnv): void {
  pcVerb(
    pc,
    'forget',
    'delete backups: the ones named, or those a policy drops (--keep-last/-daily/-weekly/-monthly, per handset and kind)',
  )
    .argument('[backup...]', 'backups to delete (ids, unique prefixes or latest) instead of a policy')
    .option('--handset <name>', "apply the policy to this handset's backups only")
    .option('--keep-last <n>', 'keep the newest N backups', count('--keep-last'))
    .option('--keep-daily <n>', 'keep the newest backup of each of the last N days that have one', count('--keep-daily'))
    .option('--keep-weekly <n>', 'keep the newest backup of each of the last N weeks that have one', count('--keep-weekly'))
    .option('--keep-monthly <n>', 'keep the newest backup of each of the last N months that have one', count('--keep-monthly'))
    .option('--dry-run', 'only say what would be deleted')
    .action((refs: string[], flags: ForgetFlags) =>
      withSession(env, flags, async (session, out) => {
        const policy = POLICY_FLAGS.some((k) => flags[k] !== undefined);
        if (refs.length > 0 && (policy || flags.handset !== undefined))
          throw new PhoneSafeError('USAGE', 'give backups to forget or a policy (--keep-*), not both');
        if (refs.length > 0) return forgetNamed(session, out, refs, Boolean(flags.dryRun));
        if (!policy)
          throw new PhoneSafeError(
            'USAGE',
            'pc forget needs backups or at least one of --keep-last, --keep-daily, --keep-weekly, --keep-monthly',
          );
        const result = await forgetBackups(session, {
          ...(flags.handset !== undefined ? { handset: flags.handset } : {}),
          ...Object.fromEntries(POLICY_FLAGS.map((k) => [k, flags[k] ?? 0])),
          dryRun: Boolean(flags.dryRun),
        });
        out.result(result, forgetLines);
      }),
    );

  pcVerb(pc, 'keep', 'keep a backup for good: retention and pc forget leave it alone (--undo lets it go again)')
    .argument('<backup>', 'the backup (an id, a unique prefix of one, or latest)')
    .option('--undo', 'let it go: retention may forget it again')
    .action((ref: string, flags: PcFlags & { undo?: boolean }) =>
      withSession(env, flags, async (session, out) => {
        const backup = pickBackup(await listBackups(session), ref);
        const summary = await keepBackup(session, backup.backupId, !flags.undo);
        out.result(summary, (s) =>
          s.keptAt
            ? `backup ${s.backupId} of ${s.handsetName} is kept for good (since ${humanTime(s.keptAt)} UTC): retention and pc forget leave it alone`
            : `backup ${s.backupId} of ${s.handsetName} is no longer kept for good: retention may forget it`,
        );
      }),
    );
}

async function forgetNamed(session: PcSession, out: Output, refs: readonly string[], dryRun: boolean): Promise<void> {
  const listings = await listBackups(session);
  const chosen = [...new Map(refs.map((ref) => pickBackup(listings, ref)).map((b) => [b.backupId, b])).values()];
  const kept = chosen.find((b) => b.keptAt);
  if (kept)
    throw new PhoneSafeError('BACKUP_KEPT', `backup ${kept.backupId} is kept for good: let it go first (pc keep --undo ${kept.backupId})`);
  if (!dryRun) for (const b of chosen) await session.owner.client.deleteBackup(b.backupId);
  const result: ForgetResponse = {
    dryRun,
    backups: chosen.map((b) => ({ backupId: b.backupId, handsetName: b.handsetName, committedAt: b.committedAt, decision: 'forget' })),
  };
  out.result(result, forgetLines);
}

function forgetLines(r: ForgetResponse): string[] {
  const gone = r.backups.filter((b) => b.decision === 'forget').length;
  return [
    ...columns(r.backups.map((b) => [b.decision, b.backupId, humanTime(b.committedAt), b.handsetName])),
    r.dryRun
      ? `would forget ${plural(gone, 'backup')} (dry run: nothing deleted)`
      : `forgot ${plural(gone, 'backup')}; \`center prune\` frees their space`,
  ];
}

function count(flag: string): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value)) throw new PhoneSafeError('USAGE', `${flag} needs a number of backups, not '${value}'`);
    return Number(value);
  };
}
