import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '@phonesafe/protocol';
import { composeSet, readJson, writeAtomic } from '@phonesafe/protocol/node';
import { smtpSender } from '@phonesafe/protocol/mail-transport';
import { forgetPairing, HandsetMailSettings, loadPairing, mailDir } from './mail-pairing.ts';
import { Outbox } from './mail-outbox.ts';
import type { PollResult } from './mail-responder.ts';
import { loadState, saveState } from './mail-state.ts';

const endedFile = (root: string) => join(mailDir(root), 'ended.json');
const keyFile = (root: string) => join(mailDir(root), 'pairing.key');

export const pairingEnded = (root: string): boolean => existsSync(endedFile(root));

/**
 * M7: ends the mail pairing (after a rescue erase). A signed `pairing-ended`
 * mail to the pc and one to the owner go into the outbox, then the secret is
 * deleted at once: nothing this handset holds can answer an instruction any
 * more. The next pass only sends those two mails, then forgets the rest.
 */
export async function endPairing(root: string, reason: string, clock: Clock): Promise<boolean> {
  const pairing = await loadPairing(root);
  if (!pairing) return false;
  let state = await loadState(root);
  const mails = [];
  for (const to of [pairing.settings.pc, pairing.settings.owner]) {
    const set = composeSet({ ...pairing.peer, peerAddress: to }, state.peer, {
      code: 'pairing-ended',
      subject: 'PhoneSafe: this handset ended its mail pairing',
      header: { op: 'pairing-ended', reason },
      now: clock.now(),
      maxPart: 64 * 1024,
    });
    state = { ...state, peer: set.state };
    mails.push(...set.mails.map((m) => ({ raw: m.raw, meta: { to } })));
  }
  await saveState(root, state);
  await new Outbox(root).add(mails);
  await writeAtomic(endedFile(root), JSON.stringify({ at: clock.now().toISOString(), reason }));
  await rm(keyFile(root), { force: true });
  return true;
}

/** The last pass of an ended pairing: send what the outbox holds, then forget everything mail kept. */
export async function finishEnded(root: string, password: string): Promise<PollResult> {
  const settings = HandsetMailSettings.parse(await readJson(join(mailDir(root), 'pairing.json'), {}));
  const outbox = new Outbox(root);
  const sender = smtpSender({ ...settings.handset, password });
  try {
    const sent = await outbox.flush(sender, async () => undefined);
    await forgetPairing(root);
    return { accepted: [], refused: [], sent, unsent: 0 };
  } catch {
    return { accepted: [], refused: [], sent: 0, unsent: await outbox.size() };
  } finally {
    sender.close();
  }
}
