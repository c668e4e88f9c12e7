/**
 * Control numbers as the desk handles them (rescue.md, Control numbers):
 * issued sealed at the request, shown to a caller with the code number while
 * the rescue's data is kept, matched on restore. No function here stores or
 * logs a control number in clear.
 */
import { randomInt } from 'node:crypto';
import { formatControlNumber, newControlNumber, type RescueView } from '@phonesafe/protocol';
import type { RescueRepo, RescueRow } from './rescue-repo.ts';
import { openControl, sameControl, sealControl, verifyLegacyControl } from './control-seal.ts';
import { toView } from './rescue-records.ts';

/** States in which the rescue's saved data is kept, so its control number still restores it. */
const KEPT = new Set<RescueRow['status']>(['saved', 'erased', 'restored']);

/** A new rescue's control number, sealed under the code number that asked for it. */
export const newSealedControl = (code: string, rescueId: string): Promise<string> =>
  sealControl(newControlNumber(randomInt), code, rescueId);

/** The view the desk answers: the control number opened with the caller's code, once saved and while kept. */
export async function viewWithControl(row: RescueRow, code: string): Promise<RescueView> {
  const shown =
    row.savedAt !== null && KEPT.has(row.status) && row.controlSeal !== null ? await openControl(row.controlSeal, code, row.id) : undefined;
  return toView(row, shown === undefined ? null : formatControlNumber(shown));
}

/**
 * A kept rescue without a sealed number (its number was stored in clear
 * before migration 0007 and is now only a hash, or it was requested before
 * 0007 and saved after) gets a new sealed one now that the code is at hand;
 * the old one, if any, still restores. Conditional, so two callers at once
 * issue one number.
 */
export async function sealMissing(rescues: Pick<RescueRepo, 'find' | 'transition'>, row: RescueRow, code: string): Promise<RescueRow> {
  if (row.savedAt === null || !KEPT.has(row.status) || row.controlSeal !== null) return row;
  const changed = await rescues.transition(
    { id: row.id, status: row.status, unsealed: true },
    { controlSeal: await newSealedControl(code, row.id) },
  );
  return changed ?? (await rescues.find(row.id)) ?? row;
}

/** Whether `control` (16 digits) is this saved rescue's number: its sealed one, or the hash of one from before 0007. */
export async function isRescueControl(row: RescueRow, control: string, code: string): Promise<boolean> {
  if (row.savedAt === null) return false;
  if (row.controlSeal !== null) {
    const opened = await openControl(row.controlSeal, code, row.id);
    if (opened !== undefined && sameControl(opened, control)) return true;
  }
  return row.controlHash !== null && (await verifyLegacyControl(control, row.controlHash));
}
