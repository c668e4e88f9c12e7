/** Row builders shared by the store tests; every id is unique per call so suites can share a database. */
import { createHash, randomBytes } from 'node:crypto';
import type { PartRef } from '@phonesafe/protocol';
import type { BackupRow } from '../src/backup/backup-repo.ts';
import type { HandsetRow } from '../src/handsets/handset-repo.ts';
import type { OwnerRow } from '../src/owners/owner-repo.ts';
import type { Store } from '../src/center-store.ts';

export function uid(prefix: string): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A part whose id and hash derive from `seed`; `size` defaults to the seed's length. */
export function partRef(seed: string, size = seed.length): PartRef {
  return { id: sha256(`id:${seed}`), size, sha256: sha256(seed) };
}

/** Minute `n` of a fixed day, as the ISO string a Clock would give. */
export function at(n: number): string {
  return new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString();
}

export function ownerRow(overrides: Partial<OwnerRow> = {}): OwnerRow {
  const id = uid('owner');
  return {
    id,
    email: `${id}@example.org`,
    authHash: 'scrypt$hash',
    kdf: { algorithm: 'scrypt', salt: 'c2FsdHNhbHRzYWx0c2FsdA==', N: 32768, r: 8, p: 1 },
    wrappedDataKey: 'd3JhcHBlZA==',
    createdAt: at(0),
    ...overrides,
  };
}

export function handsetRow(ownerId: string, overrides: Partial<HandsetRow> = {}): HandsetRow {
  return {
    id: uid('handset'),
    ownerId,
    name: uid('phone'),
    credentialHash: sha256('credential'),
    enrolledAt: at(1),
    lastSeenAt: null,
    phone: null,
    revokedAt: null,
    ...overrides,
  };
}

export function backupRow(handset: HandsetRow, overrides: Partial<BackupRow> = {}): BackupRow {
  return {
    id: uid('backup'),
    ownerId: handset.ownerId,
    handsetId: handset.id,
    handsetName: handset.name,
    kinds: ['contacts', 'media'],
    complete: null,
    trigger: 'manual',
    status: 'open',
    startedAt: at(2),
    committedAt: null,
    fileCount: 0,
    storedBytes: 0,
    manifest: null,
    keptAt: null,
    ...overrides,
  };
}

/** An owner with one handset, both stored. */
export async function seedOwner(store: Store): Promise<{ owner: OwnerRow; handset: HandsetRow }> {
  const owner = ownerRow();
  await store.owners.create(owner);
  const handset = handsetRow(owner.id);
  await store.handsets.create(handset);
  return { owner, handset };
}

/** Records `parts` for the owner and opens a backup; returns it and its manifest part (also recorded). */
export async function openWithParts(
  store: Store,
  handset: HandsetRow,
  parts: PartRef[],
  overrides: Partial<BackupRow> = {},
): Promise<{ backup: BackupRow; manifest: PartRef }> {
  const manifest = partRef(uid('manifest'));
  for (const part of [...parts, manifest]) await store.parts.record(handset.ownerId, part, at(3));
  const backup = backupRow(handset, overrides);
  await store.backups.open(backup);
  return { backup, manifest };
}
