/**
 * Code numbers are stored only as a slow salted hash, in the self-describing
 * scrypt format of owners' auth keys (owners/auth-key-hash.ts), so hashes
 * set at an older cost keep verifying. New codes have 8-12 digits and a
 * higher cost (CODE_COST): an offline search of a stolen database costs
 * 10^8 hashes of ~0.2 s and 64 MiB each, some 200 core-days (rescue.md, Code
 * numbers); the lockout protects the code online.
 */
import { burnAuthKeyCheck, hashAuthKey, verifyAuthKey, type ScryptCost } from '../owners/auth-key-hash.ts';

/** 64 MiB and ~0.2 s per hash on the reference machine; also the cost of the control-number seal (control-seal.ts). */
export const CODE_COST: ScryptCost = { N: 1 << 16, r: 8, p: 1 };

const bytes = (code: string) => Buffer.from(`rescue-code\0${code}`, 'utf8');

export const hashCode = (code: string): Promise<string> => hashAuthKey(bytes(code), CODE_COST);
export const verifyCode = (code: string, stored: string): Promise<boolean> => verifyAuthKey(bytes(code), stored);
/** The same work as a verification at the current cost, for a phone number without a code (no timing hint). */
export const burnCodeCheck = (code: string): Promise<void> => burnAuthKeyCheck(bytes(code), CODE_COST);
