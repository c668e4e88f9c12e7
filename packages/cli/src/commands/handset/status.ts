/** `phonesafe handset history | status | notices`: what this handset and its center know of it. */
import type { Command } from 'commander';
import type { CliEnv } from '../../env.ts';
import { noticeLines } from '../../notices.ts';
import { capped, columns, humanBytes, humanTime, plural } from '../../output.ts';
import { handsetVerb, withHandset, type HandsetFlags } from './with-handset.ts';

export function historyVerb(handset: Command, env: CliEnv): void {
  handsetVerb(handset, 'history', 'backups and restores, as this handset and the center recorded them').action((flags: HandsetFlags) =>
    withHandset(env, flags, { deliverPending: false }, async (agent, out) => {
      const history = await agent.history();
      out.result(history, (h) => [
        `this handset (${plural(h.local.length, 'event')}):`,
        ...columns(h.local.map((e) => ['  ' + humanTime(e.at), e.event, e.backupId, plural(e.files, 'file'), humanBytes(e.bytes)])),
        `center (${plural(h.center.length, 'event')}):`,
        ...columns(h.center.map((e) => ['  ' + humanTime(e.at), e.event, e.handsetName ?? '-', e.backupId ?? '-', e.detail])),
      ]);
    }),
  );
}

/** `status` delivers pending restores first, as it always has (with-handset.ts). */
export function statusVerb(handset: Command, env: CliEnv): void {
  handsetVerb(handset, 'status', 'enrolment, memory contents and what is waiting to be backed up').action((flags: HandsetFlags) =>
    withHandset(env, flags, { deliverPending: true }, async (agent, out) => {
      out.result(agent.status(), (s) => [
        s.enrolled ? `handset '${s.name}' (${s.handsetId}) of ${s.owner} at ${s.center}` : 'not enrolled',
        ...(s.rescueErase
          ? [
              `erased by the rescue desk at ${humanTime(s.rescueErase.at)} (rescue ${s.rescueErase.rescueId})${s.enrolled ? '' : '; enrol it again to use it'}`,
            ]
          : []),
        `${plural(s.items, 'item')} in memory`,
        `backed up automatically: ${s.automatic.text}`,
        `waiting to be backed up: ${plural(s.pendingVersions, 'version')}, ${plural(s.pendingParts, 'part')} (${humanBytes(s.pendingBytes)})`,
        s.lastBackup ? `last backup: ${s.lastBackup.backupId} at ${humanTime(s.lastBackup.at)}` : 'no backup yet',
        ...(s.stubs.length > 0
          ? [
              `offloaded to the center: ${plural(s.stubs.length, 'item')}`,
              ...capped(s.stubs.map((x) => `  ${x.path}  ${humanBytes(x.size)}  ${x.summary}`)),
            ]
          : []),
        `device: battery ${s.device.battery}%, ${s.device.idle ? 'idle' : 'not idle'}${s.device.busyUntil ? `, operated until ${humanTime(s.device.busyUntil)}` : ''}${s.device.writing ? ', writing its backup area' : ''}`,
      ]);
    }),
  );
}

export function noticesVerb(handset: Command, env: CliEnv): void {
  handsetVerb(handset, 'notices', "this handset's notices from the center (e.g. a backup that could not be made)").action(
    (flags: HandsetFlags) =>
      withHandset(env, flags, { deliverPending: false }, async (agent, out) => {
        const notices = await agent.notices();
        out.result({ notices }, ({ notices: list }) => noticeLines(list));
      }),
  );
}
