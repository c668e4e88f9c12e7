import { Option, type Command } from 'commander';
import type { HandsetAgent, PendingFailure } from '@phonesafe/handset';
import { checkNewCode, normalizePhone, PhoneSafeError, type DataKind, type OverwritePolicy } from '@phonesafe/protocol';
import { processClock } from '../clock.ts';
import { httpTimeouts } from '../http-timeouts.ts';
import { liveHandsetCommands } from './handset-live.ts';
import { kindsOption, readCaFile, verb } from '../options.ts';
import { capped, columns, humanBytes, humanTime, plural, Output } from '../output.ts';
import { readPassword, readRescueCode } from '../password.ts';
import { withProgress } from '../progress.ts';
import { askOption } from '../prompt.ts';

interface HandsetFlags {
  data: string;
  json?: boolean;
}

/** `phonesafe handset <verb> --data DIR`: the virtual handset kept in DIR. */
export function handsetCommands(program: Command): void {
  const handset = program.command('handset').description('the handset agent: enrol, import/export data, back up, restore');

  handsetVerb(handset, 'enroll', 'enrol this handset at a center for an owner (registers the owner on first use)')
    .requiredOption('--center <url>', 'center URL')
    .requiredOption('--owner <email>', "owner's e-mail address")
    .requiredOption('--name <name>', 'handset name, unique per owner')
    .option('--ca <file>', 'PEM file of the CA that signed an HTTPS center certificate')
    .option(
      '--phone <number>',
      "the handset's phone number, for the lost-handset rescue desk (a replacement is enrolled with the same number)",
      normalizePhone,
    )
    .option(
      '--code <digits>',
      'the rescue desk code number for that phone number, 8-12 digits (else PHONESAFE_RESCUE_CODE; later: pc rescue-code)',
    )
    .action((flags: HandsetFlags & { center: string; owner: string; name: string; ca?: string; phone?: string; code?: string }) =>
      withHandset(flags, { applyPending: false }, async (agent, out) => {
        if (flags.code !== undefined && flags.phone === undefined)
          throw new PhoneSafeError('USAGE', '--code needs --phone: the code number belongs to a phone number');
        // The code from the variable only goes with a phone number; it is never printed.
        const code = flags.phone !== undefined ? await readRescueCode(flags.code, { optional: true }) : undefined;
        if (code !== undefined) checkNewCode(code);
        const password = await readPassword(`Password for ${flags.owner}: `);
        const ca = flags.ca ? await readCaFile(flags.ca) : undefined;
        const result = await agent.enroll({
          center: flags.center,
          owner: flags.owner,
          password,
          name: flags.name,
          ...(ca ? { ca } : {}),
          ...(flags.phone !== undefined ? { phone: flags.phone } : {}),
          ...(code !== undefined ? { code } : {}),
        });
        // The center says whether the number has a code: a replacement keeps the lost handset's.
        const view = { ...result, phone: flags.phone ?? null };
        out.result(view, (r) => [
          `enrolled handset '${r.name}' (${r.handsetId}) for ${flags.owner} at ${flags.center}${r.ownerRegistered ? '; new owner registered' : ''}`,
          ...(r.phone
            ? [
                `phone ${r.phone}${r.rescueCode ? ', rescue desk code number set' : '; no rescue code number yet (pc rescue-code sets one)'}`,
              ]
            : []),
        ]);
      }),
    );

  handsetVerb(handset, 'import', "copy a directory tree into the handset's memory (kinds from folders and extensions)")
    .argument('<src>', 'directory to import')
    .action((src: string, flags: HandsetFlags) =>
      withHandset(flags, { applyPending: true }, async (agent, out) => {
        const result = await withProgress(out, (onProgress) => agent.importTree(src, { onProgress }));
        out.result(result, (r) => [
          `imported ${src}: ${r.added} added, ${r.updated} updated, ${r.unchanged} unchanged (${humanBytes(r.bytes)} new)`,
          ...(!r.sizeBackup
            ? []
            : r.sizeBackup.ok
              ? [
                  `the backup area passed its size trigger: backup ${r.sizeBackup.result.backupId} committed (${plural(r.sizeBackup.result.files, 'file')})`,
                ]
              : [
                  `the backup area passed its size trigger, but the backup could not be made: ${r.sizeBackup.code}: ${r.sizeBackup.detail}`,
                ]),
        ]);
      }),
    );

  handsetVerb(handset, 'export', "write the handset's memory out as a directory tree")
    .argument('<out>', 'directory to write')
    .action((dest: string, flags: HandsetFlags) =>
      withHandset(flags, { applyPending: true }, async (agent, out) => {
        const result = await withProgress(out, (onProgress) => agent.exportTree(dest, { onProgress }));
        out.result(
          result,
          (r) =>
            `exported ${plural(r.files, 'file')} (${humanBytes(r.bytes)}) to ${dest}${r.offloaded > 0 ? `; ${plural(r.offloaded, 'offloaded item')} not written (handset fetch brings one back)` : ''}`,
        );
      }),
    );

  handsetVerb(handset, 'backup', 'back up to the center now (only changed parts are sent)')
    .addOption(kindsOption())
    .action((flags: HandsetFlags & { kinds?: DataKind[] }) =>
      withHandset(flags, { applyPending: false }, async (agent, out) => {
        const result = await withProgress(out, (onProgress) => agent.backup({ kinds: flags.kinds, onProgress }));
        out.result(result, (r) => [
          `backup ${r.backupId} committed at ${humanTime(r.committedAt)}: ${plural(r.files, 'file')}`,
          `sent ${plural(r.sentParts, 'part')} (${humanBytes(r.sentBytes)}), reused ${plural(r.reusedParts, 'part')}; stored ${humanBytes(r.storedBytes)}`,
          ...(r.lostStubs
            ? [
                `warning: the center no longer holds ${plural(r.lostStubs.length, 'offloaded item')}; left out, they cannot be fetched:`,
                ...capped(r.lostStubs).map((p) => `  ${p}`),
              ]
            : []),
        ]);
      }),
    );

  handsetVerb(
    handset,
    'restore',
    "restore into this handset: one backup, or (default) the newest version of every item across this or another handset's backups",
  )
    .option('--backup <id>', 'one backup to restore')
    .option(
      '--from-handset <name>',
      "restore another of the owner's handsets (e.g. onto a replacement): the newest version of every item across its backups",
    )
    .addOption(kindsOption())
    .addOption(
      new Option('--overwrite <policy>', 'items this handset already has: ask, yes or no').choices(['ask', 'yes', 'no']).default('ask'),
    )
    .action((flags: HandsetFlags & { backup?: string; fromHandset?: string; kinds?: DataKind[]; overwrite: OverwritePolicy }) =>
      withHandset(flags, { applyPending: false }, async (agent, out) => {
        const result = await withProgress(out, (onProgress) =>
          agent
            .restore({
              backupId: flags.backup,
              fromHandset: flags.fromHandset,
              kinds: flags.kinds,
              overwrite: flags.overwrite,
              ...askOption(),
              onProgress,
              onPendingFailed: (f) => pendingFailed(out, f),
            })
            .catch((error: unknown) => {
              throw withOverwriteHint(error);
            }),
        );
        out.result(result, (r) => [
          `restored ${plural(r.restored, 'file')} from backup ${r.backupId} (${r.alreadyThere} already there, ${r.skipped} kept unchanged)`,
          ...capped(r.skippedPaths).map((p) => `  kept ${p}`),
        ]);
      }),
    );

  handsetVerb(handset, 'history', 'backups and restores, as this handset and the center recorded them').action((flags: HandsetFlags) =>
    withHandset(flags, { applyPending: false }, async (agent, out) => {
      const history = await agent.history();
      out.result(history, (h) => [
        `this handset (${plural(h.local.length, 'event')}):`,
        ...columns(h.local.map((e) => ['  ' + humanTime(e.at), e.event, e.backupId, plural(e.files, 'file'), humanBytes(e.bytes)])),
        `center (${plural(h.center.length, 'event')}):`,
        ...columns(h.center.map((e) => ['  ' + humanTime(e.at), e.event, e.handsetName ?? '-', e.backupId ?? '-', e.detail])),
      ]);
    }),
  );

  handsetVerb(handset, 'status', 'enrolment, memory contents and what is waiting to be backed up').action((flags: HandsetFlags) =>
    withHandset(flags, { applyPending: true }, async (agent, out) => {
      out.result(agent.status(), (s) => [
        s.enrolled ? `handset '${s.name}' (${s.handsetId}) of ${s.owner} at ${s.center}` : 'not enrolled',
        ...(s.rescueErase
          ? [
              `erased by the rescue desk at ${humanTime(s.rescueErase.at)} (rescue ${s.rescueErase.rescueId})${s.enrolled ? '' : '; enrol it again to use it'}`,
            ]
          : []),
        `${plural(s.items, 'item')} in memory`,
        `waiting to be backed up: ${plural(s.pendingVersions, 'version')}, ${plural(s.pendingParts, 'part')} (${humanBytes(s.pendingBytes)})`,
        s.lastBackup ? `last backup: ${s.lastBackup.backupId} at ${humanTime(s.lastBackup.at)}` : 'no backup yet',
        ...(s.stubs.length > 0
          ? [
              `offloaded to the center (B9): ${plural(s.stubs.length, 'item')}`,
              ...capped(s.stubs.map((x) => `  ${x.path}  ${humanBytes(x.size)}  ${x.summary}`)),
            ]
          : []),
        `device: battery ${s.device.battery}%, ${s.device.idle ? 'idle' : 'not idle'}${s.device.busyUntil ? `, operated until ${humanTime(s.device.busyUntil)}` : ''}${s.device.writing ? ', writing its backup area' : ''}`,
      ]);
    }),
  );

  liveHandsetCommands((name, description) => handsetVerb(handset, name, description), withHandset);
}

function handsetVerb(handset: Command, name: string, description: string): Command {
  return verb(handset, name, description).requiredOption('--data <dir>', "the handset's data directory");
}

/**
 * Opens the handset in DIR for one command and closes it whatever happens.
 * With `applyPending`, restores the owner pushed from the pc (`pc restore
 * --to`) are applied first, so that every command on that handset delivers
 * them (B6: the destination applies the order when it next talks to the
 * center); backup, restore and history need not ask, the agent does it.
 */
async function withHandset(
  flags: HandsetFlags,
  options: { applyPending: boolean },
  run: (agent: HandsetAgent, out: Output) => Promise<void>,
): Promise<void> {
  const out = new Output(Boolean(flags.json));
  // Loaded on use, like the other role packages, to keep unrelated verbs quick to start.
  const { HandsetAgent: Agent } = await import('@phonesafe/handset');
  const agent = await Agent.open(flags.data, { clock: processClock(), timeouts: httpTimeouts() });
  try {
    if (options.applyPending) await applyPending(agent, out);
    await run(agent, out);
  } finally {
    await agent.close();
  }
}

/** A pending restore that cannot be applied now must not block the command asked for: warn and go on. */
async function applyPending(agent: HandsetAgent, out: Output): Promise<void> {
  try {
    const applied = await withProgress(out, (onProgress) =>
      agent.applyPendingRestores({ ...askOption(), onProgress, onFailed: (f) => pendingFailed(out, f) }),
    );
    for (const r of applied)
      out.note(
        `applied restore ${r.restoreId} of backup ${r.backupId}: ${plural(r.restored, 'file')} restored, ${r.alreadyThere} already there, ${r.skipped} kept unchanged`,
      );
  } catch (error) {
    if (!(error instanceof PhoneSafeError)) throw error;
    if (error.code !== 'NOT_ENROLLED') out.note(`warning: pending restores not applied: ${error.code}: ${error.detail}`);
  }
}

function pendingFailed(out: Output, failure: PendingFailure): void {
  const next = failure.reported ? 'the center offers it again later; pc restore --cancel ends it' : 'it stays pending';
  out.note(`warning: restore ${failure.restoreId} could not be applied (${next}): ${failure.code}: ${failure.detail}`);
}

/** The agent names the conflicting files; the CLI adds how to answer. */
function withOverwriteHint(error: unknown): unknown {
  if (!(error instanceof PhoneSafeError) || error.code !== 'OVERWRITE_REFUSED') return error;
  return new PhoneSafeError(
    error.code,
    `${error.detail} (choose with --overwrite yes or no, or run on a terminal to be asked)`,
    { ...error.extra },
    { cause: error },
  );
}
