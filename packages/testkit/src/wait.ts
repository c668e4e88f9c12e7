/**
 * Waiting for effects that travel through sockets, processes and the bus:
 * poll a condition until a deadline, never sleep for a guessed time.
 */

/** Polls `check` (every 20 ms) until it answers something truthy, and returns that; fails naming `what` after `deadlineMs`. */
export async function until<T>(check: () => Promise<T> | T, what: string, deadlineMs = 3000): Promise<NonNullable<T>> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Lets messages in flight arrive, for asserting that nothing more came. */
export function settle(ms = 150): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
