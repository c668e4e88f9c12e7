import { PhoneSafeError, type ErrorCode } from '@phonesafe/protocol';
import type { Engine } from './engine.ts';

/** Runs an insert, turning a unique-key violation into the domain error `code`. */
export async function insertUnique(engine: Engine, code: ErrorCode, insert: () => Promise<unknown>): Promise<void> {
  try {
    await insert();
  } catch (error) {
    if (engine.isUniqueViolation(error)) throw new PhoneSafeError(code, undefined, {}, { cause: error });
    throw error;
  }
}
