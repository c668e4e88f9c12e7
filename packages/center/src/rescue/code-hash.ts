/**
 * Code numbers are stored only as a slow salted hash, with the same scrypt
 * format as owners' auth keys (owners/auth-key-hash.ts). A 4-12 digit code
 * cannot resist an offline search whatever the cost; the lockout protects it
 * online, and the hash keeps it out of a database dump's plain text.
 */
import { burnAuthKeyCheck, hashAuthKey, verifyAuthKey } from '../owners/auth-key-hash.ts';

const bytes = (code: string) => Buffer.from(`rescue-code\0${code}`, 'utf8');

export const hashCode = (code: string): Promise<string> => hashAuthKey(bytes(code));
export const verifyCode = (code: string, stored: string): Promise<boolean> => verifyAuthKey(bytes(code), stored);
/** The same work as a verification, for a phone number without a code (no timing hint). */
export const burnCodeCheck = (code: string): Promise<void> => burnAuthKeyCheck(bytes(code));
