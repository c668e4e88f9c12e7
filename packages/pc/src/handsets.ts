import { checkNewPassword, PhoneSafeError, type HandsetInfo } from '@phonesafe/protocol';
import { changeOwnerPassword } from '@phonesafe/protocol/node';
import type { PcSession } from './session.ts';

/** The owner's handsets, oldest enrolment first, revoked ones included (with `revokedAt`). */
export function listHandsets(session: PcSession): Promise<HandsetInfo[]> {
  return session.owner.client.listHandsets();
}

/**
 * Cuts a handset off (e.g. a lost one that never comes back online): its
 * credential is refused everywhere from now on, a channel it holds is
 * closed, and it gets no more backup requests. Its backups stay. Idempotent.
 * Answers the handset as the center now lists it.
 */
export async function revokeHandset(session: PcSession, name: string): Promise<HandsetInfo> {
  await session.owner.client.revokeHandset(name);
  const handset = (await listHandsets(session)).find((h) => h.name === name);
  if (!handset) throw new PhoneSafeError('NOT_FOUND', `no handset named ${name}`);
  return handset;
}

/**
 * Changes the owner's password; `currentPassword` is the one this session
 * logged in with. Other sessions end; handsets keep working (their own
 * credential and data key). Answers how many sessions ended.
 */
export async function changePassword(session: PcSession, currentPassword: string, newPassword: string): Promise<{ endedSessions: number }> {
  if (newPassword === '') throw new PhoneSafeError('USAGE', 'the new password is empty');
  if (newPassword === currentPassword) throw new PhoneSafeError('USAGE', 'the new password is the current one');
  checkNewPassword(newPassword, { email: session.owner.email });
  return changeOwnerPassword(session.owner, currentPassword, newPassword);
}
