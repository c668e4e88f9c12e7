import { PhoneSafeError, type ErrorCode } from '@phonesafe/protocol';

/** An error as a result: its code and a one-line detail (unknown errors are INTERNAL, with their message). */
export function failureOf(error: unknown): { code: ErrorCode; detail: string } {
  if (error instanceof PhoneSafeError) return { code: error.code, detail: error.detail };
  return { code: 'INTERNAL', detail: error instanceof Error ? error.message : String(error) };
}
