/**
 * How the center retries a restore order its handset could not apply
 * (wire-protocol.md): the order is offered again 1 minute after the first
 * failed try, the wait doubling after each one up to 1 hour, and after the
 * 10th failed try (about 4 hours in all) it is given up (`failed`) and the
 * owner is told. A handset asks for its pending orders whenever it talks to
 * the center, so a retry happens at the first contact after it is due.
 */
export const RESTORE_RETRY = { firstDelayMs: 60_000, maxDelayMs: 3_600_000, maxTries: 10 } as const;

/** What follows the `attempts`-th failed try (1 for the first) at `now`. */
export function afterFailedTry(
  attempts: number,
  now: Date,
): { status: 'pending'; nextTryAt: string } | { status: 'failed'; nextTryAt: null } {
  if (attempts >= RESTORE_RETRY.maxTries) return { status: 'failed', nextTryAt: null };
  const delay = Math.min(RESTORE_RETRY.firstDelayMs * 2 ** (attempts - 1), RESTORE_RETRY.maxDelayMs);
  return { status: 'pending', nextTryAt: new Date(now.getTime() + delay).toISOString() };
}
