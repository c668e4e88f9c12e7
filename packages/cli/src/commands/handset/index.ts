/**
 * `phonesafe handset <verb> --data DIR`: the virtual handset kept in DIR.
 * One file per verb or small group (restic's cmd_<command>.go); each parses
 * its flags, calls the handset library and prints. Verbs are registered
 * here in the order `--help` lists them.
 */
import type { Command } from 'commander';
import type { CliEnv } from '../../env.ts';
import { authdevVerbs } from './authdev.ts';
import { backupVerb } from './backup.ts';
import { deviceVerbs } from './device.ts';
import { enrollVerb } from './enroll.ts';
import { importExportVerbs } from './import-export.ts';
import { mailVerbs } from './mail.ts';
import { offloadVerbs } from './offload.ts';
import { restoreVerb } from './restore.ts';
import { runVerb } from './run.ts';
import { settingsVerb } from './settings.ts';
import { historyVerb, noticesVerb, statusVerb } from './status.ts';
import { safeVerbs, walletVerbs } from './wallet.ts';
import { syncVerbs } from './sync.ts';

export function handsetCommands(program: Command, env: CliEnv): void {
  const handset = program.command('handset').description('the handset agent: enrol, import/export data, back up, restore');
  for (const register of [
    enrollVerb,
    importExportVerbs,
    backupVerb,
    restoreVerb,
    historyVerb,
    statusVerb,
    runVerb,
    deviceVerbs,
    settingsVerb,
    noticesVerb,
    offloadVerbs,
    walletVerbs,
    safeVerbs,
    authdevVerbs,
    mailVerbs,
    syncVerbs,
  ])
    register(handset, env);
}
