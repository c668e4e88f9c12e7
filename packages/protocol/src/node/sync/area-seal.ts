/**
 * Sealing of user-area items (sync.md "Collection keys"): the header and the
 * body of one item version under its kind's collection key, with the guid and
 * version in the AAD so the center cannot swap items or versions.
 */
import { randomBytes } from 'node:crypto';
import { ItemHeader } from '../../schemas/sync.ts';
import { open, seal } from '../crypto/envelope.ts';

export function newCollectionKey(): Buffer {
  return randomBytes(32);
}

export function newGuid(): string {
  return randomBytes(16).toString('hex');
}

function aad(part: 'header' | 'body', guid: string, version: number): Buffer {
  return Buffer.from(`phonesafe/v1/area-${part}\0${guid}\0${version}`);
}

export function sealHeader(key: Buffer, guid: string, version: number, header: ItemHeader): string {
  return seal(key, Buffer.from(JSON.stringify(header)), aad('header', guid, version)).toString('base64');
}

/** DECRYPT_FAILED on a wrong key, guid or version, or damaged bytes. */
export function openHeader(key: Buffer, guid: string, version: number, sealed: string): ItemHeader {
  const plain = open(key, Buffer.from(sealed, 'base64'), aad('header', guid, version)).plain;
  return ItemHeader.parse(JSON.parse(plain.toString('utf8')));
}

export function sealBody(key: Buffer, guid: string, version: number, content: Uint8Array): string {
  return seal(key, content, aad('body', guid, version)).toString('base64');
}

export function openBody(key: Buffer, guid: string, version: number, sealed: string): Buffer {
  return open(key, Buffer.from(sealed, 'base64'), aad('body', guid, version)).plain;
}
