/** Argument parsers the wallet verbs share. */
import { PhoneSafeError } from '@phonesafe/protocol';

export const collect = (value: string, acc: string[] = []): string[] => [...acc, value];

export const pointerArg = (value: string): number => {
  if (!/^\d+$/.test(value)) throw new PhoneSafeError('USAGE', `an entry is a pointer number, not '${value}'`);
  return Number(value);
};
