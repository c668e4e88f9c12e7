/** `phonesafe pc notices`: the owner's notices. */
import type { Command } from 'commander';
import { listNotices } from '@phonesafe/pc';
import type { CliEnv } from '../../env.ts';
import { noticeLines } from '../../notices.ts';
import { pcVerb, withSession, type PcFlags } from './with-session.ts';

export function noticesVerb(pc: Command, env: CliEnv): void {
  pcVerb(pc, 'notices', "the owner's notices: backups that could not be made, over quota, backups made").action((flags: PcFlags) =>
    withSession(env, flags, async (session, out) => {
      const notices = await listNotices(session);
      out.result({ notices }, ({ notices: list }) => noticeLines(list));
    }),
  );
}
