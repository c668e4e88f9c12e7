import { clockFromSpec, PhoneSafeError, type Clock } from '@phonesafe/protocol';

let clock: Clock | undefined;

/**
 * The clock of this process, read once from PHONESAFE_CLOCK
 * (`scaled:<originMs>:<factor>`, for demos and tests: several processes with
 * the same value agree on a virtual "now"), else the system clock. Center,
 * handset and pc verbs all take their time from here.
 */
export function processClock(): Clock {
  if (!clock) {
    try {
      clock = clockFromSpec(process.env.PHONESAFE_CLOCK || undefined);
    } catch (error) {
      throw new PhoneSafeError('USAGE', (error as Error).message);
    }
  }
  return clock;
}
