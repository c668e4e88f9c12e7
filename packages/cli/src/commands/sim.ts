/**
 * `phonesafe sim create | show | unblock --sim FILE`: the provider's side of
 * the virtual SIM (sync.md): issue a card, look at it without its secrets,
 * unblock its PIN with the PUK. The card moves into a handset with
 * `phonesafe handset sim insert`.
 */
import type { Command } from 'commander';
import { PhoneSafeError, canonicalPhone } from '@phonesafe/protocol';
import type { CliEnv } from '../env.ts';
import { verb } from '../options.ts';
import { Output } from '../output.ts';

interface SimFlags {
  sim: string;
  json?: boolean;
}

export function simCommands(program: Command, env: CliEnv): void {
  const sim = program.command('sim').description('the virtual SIM card: issue one, show it, unblock its PIN');
  verb(
    sim,
    'create',
    'issue a virtual SIM for a subscriber number (PIN from PHONESAFE_PIN; PUK from PHONESAFE_PUK, else made and shown once)',
  )
    .requiredOption('--sim <file>', 'the SIM file to write (never over an existing one)')
    .requiredOption('--number <msisdn>', 'the subscriber number, with its country code')
    .action(async (flags: SimFlags & { number: string }) => {
      const { createSim } = await import('@phonesafe/handset');
      const check = canonicalPhone(flags.number);
      if (!check.ok) throw new PhoneSafeError('USAGE', check.problem);
      const pin = env.pin();
      if (pin === undefined) throw new PhoneSafeError('USAGE', 'give the new SIM its PIN in PHONESAFE_PIN');
      const puk = env.puk();
      const made = await createSim(flags.sim, { number: check.phone, pin, ...(puk ? { puk } : {}) });
      const shown = puk === undefined ? { puk: made.puk } : {};
      new Output(Boolean(flags.json)).result({ ...made.view, ...shown }, (v) => [
        `SIM ${v.iccid} for ${v.subscriber} written to ${flags.sim}`,
        ...(puk === undefined ? [`PUK ${made.puk} (keep it: it unblocks the PIN after 3 wrong tries; shown only now)`] : []),
      ]);
    });
  verb(sim, 'show', 'the SIM: subscriber, terminal IDs bound on it, PIN and PUK tries left (never a secret)')
    .requiredOption('--sim <file>', 'the SIM file')
    .action(async (flags: SimFlags) => {
      const { readSim } = await import('@phonesafe/handset');
      const view = await readSim(flags.sim);
      new Output(Boolean(flags.json)).result(view, (v) => [
        `SIM ${v.iccid} for ${v.subscriber}: ${v.state}, PIN ${v.pinTriesLeft} tries left, PUK ${v.pukTriesLeft}`,
        `terminal IDs on the SIM: ${v.terminalIds.length > 0 ? v.terminalIds.join(', ') : 'none'}`,
      ]);
    });
  verb(sim, 'unblock', 'unblock the PIN with the PUK (PHONESAFE_PUK) and set a new PIN (PHONESAFE_PIN); 10 wrong PUKs kill the SIM')
    .requiredOption('--sim <file>', 'the SIM file')
    .action(async (flags: SimFlags) => {
      const { readSim, unblockPin } = await import('@phonesafe/handset');
      const puk = env.puk();
      const pin = env.pin();
      if (puk === undefined || pin === undefined)
        throw new PhoneSafeError('USAGE', 'give the PUK in PHONESAFE_PUK and the new PIN in PHONESAFE_PIN');
      await unblockPin(flags.sim, puk, pin);
      new Output(Boolean(flags.json)).result(await readSim(flags.sim), (v) => `the PIN of SIM ${v.iccid} is unblocked`);
    });
}
