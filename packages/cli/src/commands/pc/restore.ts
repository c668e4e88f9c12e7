/** `phonesafe pc restore | restores`: restore orders for a handset (B6), and their state. */
import { Option, type Command } from 'commander';
import { cancelRestore, listRestores, pushRestore, type PcSession } from '@phonesafe/pc';
import { PhoneSafeError, type DataKind, type OverwritePolicy } from '@phonesafe/protocol';
import type { CliEnv } from '../../env.ts';
import { kindsOption } from '../../options.ts';
import { columns, humanTime, plural, type Output } from '../../output.ts';
import { pcVerb, withSession, type PcFlags } from './with-session.ts';

export function restoreVerbs(pc: Command, env: CliEnv): void {
  pcVerb(
    pc,
    'restore',
    'order a handset to restore a backup: a handset running `handset run` applies it at once, another when it next talks to the center',
  )
    .option('--backup <id>', 'backup to restore (with --to)')
    .option('--to <handset>', 'name of the destination handset')
    .addOption(kindsOption())
    .option('--delete-after', 'have the center delete the backup once restored')
    .addOption(new Option('--overwrite <policy>', 'items the handset already has (default: the handset asks)').choices(['yes', 'no']))
    .option('--cancel <restoreId>', 'instead: cancel a pending restore order (see pc restores)')
    .action((flags: RestoreFlags) =>
      withSession(env, flags, async (session, out) => {
        if (flags.cancel !== undefined) return cancelOrder(session, out, flags);
        if (flags.backup === undefined || flags.to === undefined)
          throw new PhoneSafeError('USAGE', 'pc restore needs --backup and --to (or --cancel ID)');
        const overwrite: OverwritePolicy = flags.overwrite ?? 'ask';
        const order = await pushRestore(session, {
          backupId: flags.backup,
          toHandset: flags.to,
          kinds: flags.kinds,
          deleteAfter: Boolean(flags.deleteAfter),
          overwrite,
        });
        out.result(
          order,
          (o) => `restore ${o.restoreId} of backup ${o.backupId} is pending for handset '${flags.to}' (overwrite: ${o.overwrite})`,
        );
      }),
    );

  pcVerb(
    pc,
    'restores',
    'restore orders, newest first: pending (with failed tries and the next try), completed, failed (given up) or cancelled',
  ).action((flags: PcFlags) =>
    withSession(env, flags, async (session, out) => {
      const restores = await listRestores(session);
      out.result({ restores }, ({ restores: list }) => [
        ...columns(
          list.map((r) => [
            r.restoreId,
            humanTime(r.requestedAt),
            `to ${r.handsetName}`,
            `backup ${r.backupId}`,
            r.status,
            restoreTries(r),
          ]),
        ),
        plural(list.length, 'restore order'),
      ]);
    }),
  );
}

interface RestoreFlags extends PcFlags {
  backup?: string;
  to?: string;
  kinds?: DataKind[];
  deleteAfter?: boolean;
  overwrite?: 'yes' | 'no';
  cancel?: string;
}

async function cancelOrder(session: PcSession, out: Output, flags: RestoreFlags): Promise<void> {
  const given = (['backup', 'to', 'kinds', 'deleteAfter', 'overwrite'] as const).filter((k) => flags[k] !== undefined);
  if (given.length > 0)
    throw new PhoneSafeError(
      'USAGE',
      `--cancel takes no other restore option (${given.map((k) => `--${k === 'deleteAfter' ? 'delete-after' : k}`).join(', ')})`,
    );
  const order = await cancelRestore(session, flags.cancel!);
  out.result(order, (o) => `restore ${o.restoreId} of backup ${o.backupId} is cancelled`);
}

/** Failed tries of an order, and when a pending one is offered again. */
function restoreTries(r: { status: string; attempts: number; lastCode: string | null; nextTryAt: string | null }): string {
  if (r.attempts === 0) return '';
  const tries = `${plural(r.attempts, 'failed try', 'failed tries')} (last ${r.lastCode})`;
  return r.status === 'pending' && r.nextTryAt ? `${tries}, next try ${humanTime(r.nextTryAt)}` : tries;
}
