import { PhoneSafeError } from '@phonesafe/protocol';
import { Backoff, sleep } from '../channel/backoff.ts';
import type { PollResult } from './mail-responder.ts';

export interface MailLoopOptions {
  signal: AbortSignal;
  /** Between passes when all went well (default 2 s). */
  intervalMs?: number;
  onResult?: (result: PollResult) => void;
  onError?: (error: PhoneSafeError, retryInMs: number) => void;
}

/**
 * `handset run`'s mail side: a pass, then the next one after `intervalMs`;
 * when the mail server is down or the outbox could not be emptied, after a
 * growing delay (1 s doubling to 60 s). Runs until `signal` aborts; with or
 * without a center (M7: a lost handset still answers by mail).
 */
export async function runMailLoop(poll: () => Promise<PollResult>, options: MailLoopOptions): Promise<void> {
  const backoff = new Backoff({ initialMs: 500, maxMs: 60_000 });
  while (!options.signal.aborted) {
    let wait = options.intervalMs ?? 2000;
    try {
      const result = await poll();
      options.onResult?.(result);
      if (result.unsent > 0) wait = backoff.next();
      else backoff.reset();
    } catch (error) {
      const failure = error instanceof PhoneSafeError ? error : new PhoneSafeError('INTERNAL', (error as Error).message);
      // The pairing is gone (ended after a rescue erase, or unpaired): nothing more to do by mail.
      if (failure.code === 'MAIL_NOT_PAIRED') return;
      wait = backoff.next();
      options.onError?.(failure, wait);
    }
    await sleep(wait, options.signal);
  }
}
