import { sleep } from '../channel/backoff.ts';
import type { WalletAuto, WalletEvent } from './auto.ts';

export interface WalletLoopOptions {
  signal: AbortSignal;
  /** Real milliseconds between two evaluations (default 1 s); the triggers themselves read the injected clock. */
  intervalMs?: number;
  onEvent?: (event: WalletEvent) => void;
}

/**
 * `handset run`'s wallet side: the triggers evaluated again and again until
 * `signal` aborts, with or without a center. A failed backup or recovery is
 * an event (wallet-failed), never the end of the loop.
 */
export async function runWalletLoop(auto: WalletAuto, options: WalletLoopOptions): Promise<void> {
  while (!options.signal.aborted) {
    for (const event of await auto.tick()) options.onEvent?.(event);
    await sleep(options.intervalMs ?? 1000, options.signal);
  }
}
