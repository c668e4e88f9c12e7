import { PhoneSafeError, type CompletionNotice, type DataKind, type EndNotice } from '@phonesafe/protocol';
import { sealManifest, type CenterClient } from '@phonesafe/protocol/node';
import { pruneArea } from '../backup-area/backup-area.ts';
import { copyUncopied } from '../backup-area/catch-up.ts';
import { versionKeyOf, type VersionRecord } from '../backup-area/version-records.ts';
import type { Session } from '../session.ts';
import type { HandsetContext } from '../context.ts';
import type { ProgressFn } from '../util/progress.ts';
import type { BackupResult, BackupTrigger } from './backup-types.ts';
import { endNoticeOf, manifestOf, partIdsOf } from './generation.ts';
import { completeOfKey, scopeKey, selectGeneration, type BackupScope } from './backup-scope.ts';
import type { OpenBackup } from './open-backup.ts';
import { PartSender } from './part-sender.ts';

/** One backup run: what it covers, why it runs, and the center's job (B3) or rescue (R2) it answers. */
export interface BackupRun {
  scope: BackupScope;
  trigger: BackupTrigger;
  jobId?: string;
  rescueId?: string;
  /**
   * Called with the backup and its fixed generation each time it is opened,
   * resumed or reopened under a new id, before any part is sent: a rescue
   * records there exactly which versions it is saving (rescue/save.ts).
   */
  onOpen?: (open: OpenBackup) => void;
  onProgress?: ProgressFn;
}

/** What a backup run touches: the context's tables and locks, and the session it sends with. */
export type BackupDeps = Pick<
  HandsetContext,
  'db' | 'clock' | 'writes' | 'memory' | 'versions' | 'index' | 'area' | 'settings' | 'history' | 'openBackups'
> & { session: Session };

/**
 * B3/B4/B5: one backup run, whoever started it. The generation (each item
 * in scope at its newest copied version) is fixed when the backup opens; the
 * memory may change meanwhile and its new copies wait for the next backup.
 * Nothing local is deleted before the completion notice, so a failure at any
 * step leaves a backup that the next run resumes.
 */
export async function runBackup(deps: BackupDeps, run: BackupRun): Promise<BackupResult> {
  const { session, index, versions } = deps;
  await copyUncopied(versions, deps.session.copier, deps.writes, run.onProgress);
  let open = await openOrResume(deps, run);
  run.onOpen?.(open);
  const records = versions.getMany(open.generation);
  let entries = open.generation.map((key) => {
    const entry = records.get(versionKeyOf(key));
    if (!entry) throw new PhoneSafeError('LOCAL_IO', `the open backup's item ${key.itemId} v${key.version} has no profile record`);
    return entry;
  });

  const sender = new PartSender(deps);
  let missing = await sender.missing(partIdsOf(entries));
  const lost = await lostStubs(deps, entries, missing);
  if (lost.length > 0) {
    ({ open, entries, missing } = leaveOut(deps, open, entries, missing, lost));
    run.onOpen?.(open);
  }
  const ids = partIdsOf(entries);
  await recopyAbsent(deps, open, entries, missing);
  const sent = await sender.upload(missing, run.onProgress);

  const manifest = await sender.sendSealed(
    sealManifest(session.keys, manifestOf(session.identity, open, completeOfKey(open.scope), entries)),
  );
  const notice = endNoticeOf(session.keys, manifest, entries, (id) => index.ref(id));
  const { committed, completion } = await endOrReopen(deps, open, notice, run);
  await completeLocally(deps, committed, completion, sent.bytes);
  return {
    backupId: completion.backupId,
    trigger: run.trigger,
    ...(run.jobId ? { jobId: run.jobId } : {}),
    ...(run.rescueId ? { rescueId: run.rescueId } : {}),
    kinds: committed.kinds,
    files: entries.length,
    sentParts: sent.parts,
    sentBytes: sent.bytes,
    reusedParts: ids.length - sent.parts,
    storedBytes: completion.storedBytes,
    committedAt: completion.committedAt,
    ...(lost.length > 0 ? { lostStubs: lost.map((entry) => entry.path) } : {}),
  };
}

/**
 * Resumes the recorded open backup when it was for the same scope and job;
 * otherwise opens one at the center. The center may refuse here: over quota
 * it answers QUOTA_EXCEEDED (B4's NG), before anything is sent.
 */
async function openOrResume(deps: BackupDeps, run: BackupRun): Promise<OpenBackup> {
  const scope = scopeKey(run.scope, run.jobId, run.rescueId);
  const recorded = deps.openBackups.get();
  if (recorded && recorded.scope === scope) return recorded;
  const stubs = deps.memory.offloaded().flatMap((item) => deps.versions.get({ itemId: item.id, version: item.version }) ?? []);
  const { kinds, entries } = selectGeneration(deps.versions, run.scope, stubs);
  const started = await deps.session.client.startBackup(startRequestOf(kinds, scope, run));
  const open: OpenBackup = {
    backupId: started.backupId,
    kinds,
    startedAt: deps.clock.now().toISOString(),
    generation: entries.map((entry) => ({ itemId: entry.itemId, version: entry.version })),
    scope,
  };
  deps.openBackups.save(open);
  return open;
}

/** The start request: what it covers completely, and the job or rescue the backup completes at the center. */
function startRequestOf(kinds: DataKind[], scope: string | null, run: BackupRun): Parameters<CenterClient['startBackup']>[0] {
  const complete = completeOfKey(scope).filter((kind) => kinds.includes(kind));
  return {
    kinds,
    complete,
    trigger: run.trigger,
    ...(run.jobId ? { jobId: run.jobId } : {}),
    ...(run.rescueId ? { rescueId: run.rescueId } : {}),
  };
}

/**
 * Offloaded stubs (B9) the center lacks a part of that nothing here can seal
 * again (their content is only at the center: it lost it). They cannot be
 * sent, and one lost item must not block every later backup: they are left
 * out of the generation and named in the result; the stub stays.
 */
async function lostStubs(deps: BackupDeps, entries: readonly VersionRecord[], missing: readonly string[]): Promise<VersionRecord[]> {
  if (missing.length === 0) return [];
  const isStub = (entry: VersionRecord) => {
    const item = deps.memory.byId(entry.itemId);
    return item?.offloaded === true && item.version === entry.version;
  };
  const sealable = new Set(entries.filter((entry) => !isStub(entry)).flatMap((entry) => entry.parts.map((part) => part.id)));
  const gone = new Set<string>();
  for (const id of missing) if (!sealable.has(id) && !(await deps.area.has(id))) gone.add(id);
  return entries.filter((entry) => isStub(entry) && entry.parts.some((part) => gone.has(part.id)));
}

/** The open backup without `lost`, recorded so a resumed run sends the same; missing parts only they used are dropped. */
function leaveOut(
  deps: BackupDeps,
  open: OpenBackup,
  entries: readonly VersionRecord[],
  missing: readonly string[],
  lost: readonly VersionRecord[],
) {
  const dropped = new Set(lost.map((entry) => `${entry.itemId}@${entry.version}`));
  const kept = entries.filter((entry) => !dropped.has(`${entry.itemId}@${entry.version}`));
  const reduced: OpenBackup = { ...open, generation: open.generation.filter((key) => !dropped.has(`${key.itemId}@${key.version}`)) };
  deps.openBackups.save(reduced);
  const used = new Set(partIdsOf(kept));
  return { open: reduced, entries: kept, missing: missing.filter((id) => used.has(id)) };
}

/**
 * Seals again the missing parts whose copy already left the backup area (the
 * center dropped them after their backup was deleted). Only possible while the
 * memory still holds that version; otherwise the generation cannot be sent,
 * and it is abandoned so that the next run starts from the current memory.
 */
async function recopyAbsent(
  deps: BackupDeps,
  open: OpenBackup,
  entries: readonly VersionRecord[],
  missing: readonly string[],
): Promise<void> {
  const absent = new Set<string>();
  for (const id of missing) if (!(await deps.area.has(id))) absent.add(id);
  for (const entry of entries) {
    const wanted = new Set(entry.parts.map((part) => part.id).filter((id) => absent.has(id)));
    if (wanted.size === 0) continue;
    await deps.writes.run(async () => {
      const item = deps.memory.byId(entry.itemId);
      // An offloaded stub (B9) has no content to seal from either.
      if (item?.version !== entry.version || item.offloaded) {
        deps.openBackups.clear();
        throw new PhoneSafeError(
          'LOCAL_IO',
          `backup ${open.backupId}: ${entry.path} v${entry.version} is no longer anywhere; run the backup again`,
        );
      }
      await deps.session.copier.reseal(item, wanted);
    });
    for (const id of wanted) absent.delete(id);
  }
}

/** Sends the end notice; if the center dropped the open backup meanwhile, opens another for the same generation. */
async function endOrReopen(
  deps: BackupDeps,
  open: OpenBackup,
  notice: EndNotice,
  run: BackupRun,
): Promise<{ committed: OpenBackup; completion: CompletionNotice }> {
  const { client } = deps.session;
  try {
    return { committed: open, completion: await client.endBackup(open.backupId, notice) };
  } catch (error) {
    // Not a retry decision (that is the registry's `retryable`, for the caller): these two codes say what
    // happened, the center dropped the open backup, and the answer to that is another for the same generation.
    if (!(error instanceof PhoneSafeError) || (error.code !== 'BACKUP_NOT_OPEN' && error.code !== 'NOT_FOUND')) throw error;
  }
  const started = await client.startBackup(startRequestOf(open.kinds, open.scope, run));
  const reopened = { ...open, backupId: started.backupId };
  deps.openBackups.save(reopened);
  run.onOpen?.(reopened);
  return { committed: reopened, completion: await client.endBackup(reopened.backupId, notice) };
}

/** After the completion notice only: versions marked sent, completion flag, history, sent copies deleted. */
async function completeLocally(deps: BackupDeps, committed: OpenBackup, completion: CompletionNotice, sentBytes: number): Promise<void> {
  await deps.writes.run(async () => {
    deps.db.transaction(() => {
      deps.versions.markSent(committed.generation);
      deps.openBackups.clear();
      deps.settings.setLastBackup({ backupId: completion.backupId, at: completion.committedAt });
      deps.history.add({
        at: completion.committedAt,
        event: 'backup',
        backupId: completion.backupId,
        files: committed.generation.length,
        bytes: sentBytes,
      });
    });
    await pruneArea(deps.index, deps.area);
  });
}
