import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { PhoneSafeError, type DataKind } from '@phonesafe/protocol';
import { decodeBundle, decodeSetPlain, openSet, readJson, writeAtomic, type BundleFile } from '@phonesafe/protocol/node';
import { mailRoot, type PcPairing } from './mail-files.ts';

/** A backup received by mail, as `pc mail-backups` lists it. */
export interface MailBackup {
  id: string;
  handset: string;
  receivedAt: string;
  files: number;
  bytes: number;
  /** Number of mails it came in. */
  mails: number;
  /** Binding of the sealed set, to open it again. */
  group: string;
  re: string;
}

const storeDir = (pcDir: string) => join(mailRoot(pcDir), 'store');

/** Writes the sealed set as received, then backup.json last: a backup is visible only once complete. */
export async function recordBackup(pcDir: string, backup: MailBackup, sealed: Buffer): Promise<void> {
  const dir = join(storeDir(pcDir), backup.id);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeAtomic(join(dir, 'sealed.psm'), sealed);
  await writeAtomic(join(dir, 'backup.json'), JSON.stringify(backup, null, 2) + '\n');
}

export function newBackupId(now: Date): string {
  return `mb-${now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}-${randomBytes(3).toString('hex')}`;
}

export async function listBackups(pcDir: string, handset?: string): Promise<MailBackup[]> {
  const ids = await readdir(storeDir(pcDir)).catch(() => [] as string[]);
  const out: MailBackup[] = [];
  for (const id of ids.sort()) {
    const backup = await readJson<MailBackup | undefined>(join(storeDir(pcDir), id, 'backup.json'), undefined);
    if (backup && (!handset || backup.handset === handset)) out.push(backup);
  }
  return out;
}

export async function getBackup(pcDir: string, id: string): Promise<MailBackup> {
  const backup = await readJson<MailBackup | undefined>(join(storeDir(pcDir), id, 'backup.json'), undefined);
  if (!backup) throw new PhoneSafeError('NOT_FOUND', `no mail backup ${id} (pc mail-backups lists them)`);
  return backup;
}

/** Opens a stored backup with the pairing's key and checks every file against its hash. */
export async function openBackup(
  pcDir: string,
  pairing: PcPairing,
  backup: MailBackup,
  kinds?: readonly DataKind[],
): Promise<BundleFile[]> {
  const sealed = await readFile(join(storeDir(pcDir), backup.id, 'sealed.psm'));
  const binding = {
    pairingId: pairing.peer.keys.pairingId,
    role: 'hs' as const,
    code: 'backup-response',
    group: backup.group,
    parts: backup.mails,
    re: backup.re,
  };
  const { data } = decodeSetPlain(openSet(pairing.peer.keys.enc.hs, sealed, binding));
  const { files } = decodeBundle(data);
  return kinds ? files.filter((f) => kinds.includes(f.meta.kind)) : files;
}

export async function dropBackup(pcDir: string, id: string): Promise<void> {
  await rm(join(storeDir(pcDir), id), { recursive: true, force: true });
}
