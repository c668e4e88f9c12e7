/**
 * `phonesafe pc <verb>`: the owner's view of the center, from a PC. One file
 * per verb or small group; each parses its flags, calls the pc library and
 * prints. Verbs are registered here in the order `--help` lists them.
 */
import type { Command } from 'commander';
import type { CliEnv } from '../../env.ts';
import { backupVerbs } from './backups.ts';
import { exploreVerbs } from './explore.ts';
import { forgetVerbs } from './forget.ts';
import { mailVerbs } from './mail.ts';
import { mailRunVerbs } from './mail-run.ts';
import { noticesVerb } from './notices.ts';
import { ownerVerbs } from './owner.ts';
import { quotaVerb } from './quota.ts';
import { recoveryVerbs } from './recovery.ts';
import { rescueVerbs } from './rescue.ts';
import { restoreVerbs } from './restore.ts';
import { scheduleVerb } from './schedule.ts';
import { subscriberVerbs } from './subscriber.ts';

export function pcCommands(program: Command, env: CliEnv): void {
  const pc = program
    .command('pc')
    .description(
      "the owner's PC: list backups, download them, send restores to a handset, handsets and password, the lost-handset rescue desk",
    );
  for (const register of [
    backupVerbs,
    exploreVerbs,
    forgetVerbs,
    restoreVerbs,
    scheduleVerb,
    noticesVerb,
    ownerVerbs,
    recoveryVerbs,
    rescueVerbs,
    quotaVerb,
    mailVerbs,
    mailRunVerbs,
    subscriberVerbs,
  ])
    register(pc, env);
}
