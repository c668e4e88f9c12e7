/**
 * One sync session (S5, FIG 13): open (the center's FIG 14 checks), upload
 * what this terminal has not reflected, download what it has not seen, send
 * again what the download's conflicts made (conflict copies, edits that beat
 * a deletion), and end, which moves the cursor over the applied download.
 */
import { type DataKind, isDataKind } from '@phonesafe/protocol';
import { downloadChanges } from './download.ts';
import type { SyncSecrets } from './gate.ts';
import { uploadChanges } from './upload.ts';
import type { EngineDeps, OpenSession, SessionLimits, SyncResult } from './sync-types.ts';

export interface SessionRequest {
  number: string;
  terminalId: string;
  reason: SyncResult['reason'];
  direction: SyncResult['direction'];
  secrets: SyncSecrets;
  /** Names this terminal in conflict copies. */
  label: string;
  /** S10's caps (idle sessions); absent: none. */
  limits?: SessionLimits;
}

export async function runSession(deps: EngineDeps, request: SessionRequest): Promise<SyncResult> {
  const { client, keys: ownerKeys } = deps.session;
  const answer = await client.sync().openSession({
    number: request.number,
    terminalId: request.terminalId,
    reason: request.reason,
    direction: request.direction,
    ...(request.secrets.password !== undefined ? { terminalPassword: request.secrets.password } : {}),
    ...(request.secrets.pin !== undefined ? { pin: request.secrets.pin } : {}),
  });
  const keys = new Map<DataKind, Buffer>();
  for (const [kind, wrapped] of Object.entries(answer.keys)) {
    if (isDataKind(kind) && wrapped) keys.set(kind, ownerKeys.unwrapCollectionKey(request.number, kind, wrapped));
  }
  const open: OpenSession = { ...answer, number: request.number, terminalId: request.terminalId, keys };
  const result: SyncResult = {
    number: request.number,
    terminalId: request.terminalId,
    reason: request.reason,
    kinds: answer.kinds,
    direction: request.direction,
    uploaded: [],
    uploadedDeletions: [],
    downloaded: [],
    downloadedDeletions: [],
    conflicts: [],
    cursor: answer.cursor,
    capped: false,
  };
  if (request.direction !== 'down') result.capped = !(await uploadChanges(deps, open, result, request.limits));
  const until = request.limits?.until ?? null;
  if (until !== null && deps.clock.now().getTime() >= until) result.capped = true;
  let applied = 0;
  if (request.direction !== 'up' && !result.capped) {
    applied = await downloadChanges(deps, open, result, request.label);
    if (request.direction === 'both' && result.conflicts.length > 0) await uploadChanges(deps, open, result);
  }
  const end = await client.sync().endSession(open.sessionId, applied);
  result.cursor = end.cursor;
  return result;
}
