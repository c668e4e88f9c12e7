import { randomBytes } from 'node:crypto';

/** A new random id: 128 bits, URL-safe, matching the protocol's `Id` schema. */
export function newId(): string {
  return randomBytes(16).toString('base64url');
}
