/** `phonesafe handset run`: the live channel, one event per line (run-events.ts is that output's contract). */
import type { Command } from 'commander';
import type { CliEnv } from '../../env.ts';
import { humanBytes, humanTime, plural, type Output } from '../../output.ts';
import type { MailEvent, RunEvent } from '../../run-events.ts';
import { type OverwritePolicy, PhoneSafeError } from '@phonesafe/protocol';
import type { HandsetAgent, PollResult } from '@phonesafe/handset';
import { overwriteOption, pollOptions } from './mail.ts';
import { handsetVerb, withHandset, type HandsetFlags } from './with-handset.ts';

export function runVerb(handset: Command, env: CliEnv): void {
  handsetVerb(
    handset,
    'run',
    'keep the live channel to the center open: answer backup start requests OK/NG, back up, apply restores, rescue saves and erases; answer instructions by mail when paired; back up and recover wallet values on their triggers (until SIGINT/SIGTERM)',
  )
    .addOption(overwriteOption())
    .option('--mail-interval <ms>', 'between two reads of the mailbox', '2000')
    .option('--sync-tick <ms>', 'between two checks of the automatic sync settings (handset settings sync.*)', '1000')
    .option('--wallet-interval <ms>', "between two looks at the wallet's backup and recovery triggers", '1000')
    .action((flags: HandsetFlags & { overwrite: OverwritePolicy; mailInterval: string; syncTick: string; walletInterval: string }) =>
      withHandset(env, flags, { deliverPending: false }, async (agent, out) => {
        const syncTickMs = Number(flags.syncTick);
        if (!Number.isInteger(syncTickMs) || syncTickMs <= 0)
          throw new PhoneSafeError('USAGE', '--sync-tick is a whole number of milliseconds');
        const stop = new AbortController();
        const onSignal = () => stop.abort();
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        try {
          const print = (event: RunEvent) => printEvent(out, event);
          const at = () => env.clock().now().toISOString();
          const paired = await agent.mailActive();
          const wallet = agent.walletInUse();
          const runs: Promise<void>[] = [];
          // With no center, no pairing and no wallet, agent.run says NOT_ENROLLED.
          if (agent.enrolled() || (!paired && !wallet))
            runs.push(
              agent.run({
                signal: stop.signal,
                onEvent: (event) => print({ at: at(), ...event }),
                syncTickMs,
                syncSecrets: { password: env.terminalPassword(), pin: env.pin() },
              }),
            );
          if (paired) runs.push(runMail(agent, env, flags, stop.signal, (e) => print({ at: at(), ...e } as RunEvent)));
          if (wallet)
            runs.push(
              agent.runWallet({ signal: stop.signal, intervalMs: Number(flags.walletInterval), onEvent: (e) => print({ at: at(), ...e }) }),
            );
          await Promise.all(runs.map((run) => run.catch((error: unknown) => (stop.abort(), Promise.reject(error)))));
        } finally {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
        }
      }),
    );
}

async function runMail(
  agent: HandsetAgent,
  env: CliEnv,
  flags: { overwrite: OverwritePolicy; mailInterval: string },
  signal: AbortSignal,
  emit: (event: MailEvent) => void,
): Promise<void> {
  const onResult = (r: PollResult) => {
    for (const a of r.accepted) emit({ event: 'mail-accepted', code: a.code, messageId: a.messageId, answer: a.answer ?? '' });
    for (const x of r.refused) emit({ event: 'mail-refused', reason: x.reason, detail: x.detail, from: x.from });
    if (r.unsent > 0) emit({ event: 'mail-unsent', mails: r.unsent });
  };
  const onError = (e: PhoneSafeError, ms: number) =>
    emit({ event: 'mail-failed', code: e.code, detail: e.detail, retryInSeconds: Math.round(ms / 1000) });
  await agent.runMail(await pollOptions(env, flags.overwrite), { signal, intervalMs: Number(flags.mailInterval), onResult, onError });
}

/** One line per event: JSON with --json, else "time  what happened". */
function printEvent(out: Output, e: RunEvent): void {
  if (out.json) {
    process.stdout.write(JSON.stringify(e) + '\n');
    return;
  }
  process.stdout.write(`${humanTime(e.at)}  ${eventText(e)}\n`);
}

export function eventText(e: RunEvent): string {
  switch (e.event) {
    case 'connected':
      return `connected to ${e.center}`;
    case 'disconnected':
      return `disconnected (${e.reason}); reconnecting in ${e.reconnectInSeconds} s`;
    case 'schedule-registered':
      return `schedule registered at the center: ${e.schedule}${e.nextRunAt ? `, next run ${humanTime(e.nextRunAt)}` : ''}`;
    case 'schedule-failed':
      return `schedule not registered (will try again): ${e.code}: ${e.detail}`;
    case 'backup-start':
      return `backup start request (job ${e.jobId}, attempt ${e.attempt}${e.kinds ? `, kinds ${e.kinds.join(',')}` : ''})`;
    case 'answered':
      return `answered ${e.answer}${e.reason ? ` (${e.reason})` : ''}`;
    case 'backup-committed':
      return `backup ${e.backupId} committed (${e.trigger}, ${e.kinds.join(', ')}): ${plural(e.files, 'file')}, sent ${humanBytes(e.sentBytes)}`;
    case 'backup-failed':
      return `backup failed: ${e.code}: ${e.detail}`;
    case 'restore-applied':
      return `restore ${e.restoreId} of backup ${e.backupId} applied: ${plural(e.restored, 'file')} restored, ${e.alreadyThere} already there, ${e.skipped} kept unchanged`;
    case 'restore-failed':
      return e.restoreId
        ? `restore ${e.restoreId} could not be applied (the center offers it again later): ${e.code}: ${e.detail}`
        : `pending restores not fetched: ${e.code}: ${e.detail}`;
    case 'rescue-save':
      return `rescue ${e.rescueId}: the center asks to save all of this handset's memory`;
    case 'rescue-saved':
      return `rescue ${e.rescueId}: ${e.again ? 'already saved' : 'saved'} in backup ${e.backupId} (${plural(e.files, 'file')})`;
    case 'rescue-erased':
      return `rescue ${e.rescueId}: ${e.again ? 'already erased' : `${plural(e.erasedItems, 'saved item')} erased from this handset`}${e.keptItems > 0 ? `, ${plural(e.keptItems, 'item')} changed since the save kept` : ''}; reported to the center`;
    case 'rescue-failed':
      return `rescue ${e.rescueId}: the ${e.step} did not complete (the center asks again on the next connection): ${e.code}: ${e.detail}`;
    case 'refused':
      return `the center refused a message: ${e.code}: ${e.detail}`;
    case 'invalid-message':
      return `ignored an invalid message: ${e.detail}`;
    case 'revoked':
      return `${e.detail}: this handset's enrolment and the owner's key are deleted`;
    case 'stopped':
      return 'stopped';
    case 'sync-pending':
    case 'sync-done':
    case 'sync-failed':
    case 'sync-ask':
    case 'sync-reminder':
    case 'sync-low-battery':
      return syncText(e);
    case 'wallet-backup':
    case 'wallet-recovered':
    case 'wallet-failed':
      return walletText(e);
    case 'mail-accepted':
    case 'mail-refused':
    case 'mail-unsent':
    case 'mail-failed':
      return mailText(e);
  }
}

/** The sync events' lines. */
function syncText(
  e: Extract<RunEvent, { event: 'sync-pending' | 'sync-done' | 'sync-failed' | 'sync-ask' | 'sync-reminder' | 'sync-low-battery' }>,
): string {
  switch (e.event) {
    case 'sync-pending':
      return `another terminal of ${e.number} uploaded changes: sync to get them (handset sync, or insert the SIM)`;
    case 'sync-done':
      return `synced ${e.number} (${e.reason}): ${e.uploaded} changes up, ${e.downloaded} down, cursor ${e.cursor}${e.capped ? '; the rest goes at the next idle time' : ''}`;
    case 'sync-failed':
      return `the ${e.reason} sync did not run (the changes stay on this handset): ${e.code}: ${e.detail}`;
    case 'sync-ask':
      return `a ${e.reason} sync waits for your permission: ${e.pendingUp} changes not reflected (handset sync runs it)`;
    case 'sync-reminder':
      return `reminder: ${e.pendingUp} changes on this handset are not reflected at the center (handset sync)`;
    case 'sync-low-battery':
      return e.when === 'before'
        ? `battery at ${e.battery}%: uploading ${e.pendingUp} changes not reflected now (the download waits)`
        : `battery at ${e.battery}%: uploaded the changes not reflected (the download waits for a later sync)`;
  }
}

/** The wallet loop's lines. */
function walletText(e: Extract<RunEvent, { event: 'wallet-backup' | 'wallet-recovered' | 'wallet-failed' }>): string {
  switch (e.event) {
    case 'wallet-backup':
      return `wallet: backed up ${plural(e.deposited.length, 'value')} (${e.reasons.join(', ')})${e.certificates.length ? `: certificates ${e.certificates.join(', ')}` : ''}`;
    case 'wallet-recovered':
      return `wallet: recovered certificates ${e.certificates.join(', ')} (${e.reasons.join(', ')})`;
    case 'wallet-failed':
      return `wallet: the ${e.step} (${e.reasons.join(', ')}) did not complete; it runs again on the next trigger: ${e.code}: ${e.detail}`;
  }
}

/** The mail responder's lines. */
function mailText(e: Extract<RunEvent, { event: 'mail-accepted' | 'mail-refused' | 'mail-unsent' | 'mail-failed' }>): string {
  switch (e.event) {
    case 'mail-accepted':
      return `mail: accepted ${e.code} instruction ${e.messageId}, answered ${e.answer}`;
    case 'mail-refused':
      return `mail: refused a mail from ${e.from || '?'} (${e.reason}): ${e.detail}; nothing done, no answer`;
    case 'mail-unsent':
      return `mail: ${e.mails} mail(s) not sent yet (mail server unavailable); retrying`;
    case 'mail-failed':
      return `mail: ${e.code}: ${e.detail}; next try in ${e.retryInSeconds} s`;
  }
}
