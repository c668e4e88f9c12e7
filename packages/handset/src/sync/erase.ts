/**
 * S9 collective erase (FIG 20, sync.md "Collective erase"): after the
 * erase session's upload (S84/S85), the items of the chosen kinds whose
 * current content the user area holds are erased here (S86), and their sync
 * records with them, in one transaction: no deletion is ever uploaded for
 * them, so the other terminals and the user area keep everything. An item
 * the area does not hold as it is here refuses the whole erase (nothing is
 * lost); stubs (offloaded, their content at the backup center) and another
 * subscriber's items stay.
 */
import { type DataKind, PhoneSafeError } from '@phonesafe/protocol';
import type { Item, Memory } from '../memory/memory.ts';
import type { SyncedItem, SyncRecords } from './sync-records.ts';
import type { MemoryWriter, SyncResult } from './sync-types.ts';

/** What an erase will do, shown to the user before the confirmation. */
export interface ErasePlan {
  number: string;
  kinds: DataKind[];
  /** Paths erased: the user area holds them as they are here. */
  erase: string[];
  /** Paths of the chosen kinds that stay: stubs, and items synced for another subscriber. */
  kept: string[];
}

export interface EraseResult extends ErasePlan {
  /** The erase session's upload (S85). */
  upload: SyncResult;
}

interface Planned {
  plan: ErasePlan;
  targets: Array<{ item: Item; record: SyncedItem }>;
}

/** After the upload: what the user area holds of `kinds`; SYNC_ERASE_UNSAVED when anything is not saved there. */
export function planErase(memory: Memory, records: SyncRecords, upload: SyncResult, kinds: readonly DataKind[]): Planned {
  const notSynced = kinds.filter((k) => !upload.kinds.includes(k));
  if (notSynced.length > 0)
    throw new PhoneSafeError(
      'SYNC_ERASE_UNSAVED',
      `this terminal does not sync ${notSynced.join(', ')}: that data is not in the user area; nothing was erased`,
    );
  const plan: ErasePlan = { number: upload.number, kinds: [...kinds], erase: [], kept: [] };
  const targets: Planned['targets'] = [];
  const unsaved: string[] = [];
  for (const item of memory.list()) {
    if (!kinds.includes(item.kind)) continue;
    const record = records.byItem(item.id);
    if (item.offloaded || (record && record.subscriber !== upload.number)) plan.kept.push(item.path);
    else if (record && saved(record, item)) targets.push({ item, record });
    else unsaved.push(item.path);
  }
  if (unsaved.length > 0)
    throw new PhoneSafeError(
      'SYNC_ERASE_UNSAVED',
      `${unsaved.length} items are not saved in the user area (${unsaved.slice(0, 5).join(', ')}${unsaved.length > 5 ? ', …' : ''}); ` +
        'sync both ways (handset sync) to settle them; nothing was erased',
    );
  plan.erase = targets.map((t) => t.item.path);
  return { plan, targets };
}

/** S86: erases the planned items and forgets their records in one transaction; refused whole if one changed since the plan. */
export async function erasePlanned(memory: Memory, records: SyncRecords, writer: MemoryWriter, planned: Planned): Promise<void> {
  await writer.eraseItems(
    planned.targets.map((t) => t.item),
    () => {
      for (const { item, record } of planned.targets) {
        const now = memory.byId(item.id);
        if (!now || now.sha256 !== item.sha256)
          throw new PhoneSafeError('SYNC_ERASE_UNSAVED', `${item.path} changed during the erase; nothing was erased`);
        records.forget(record.guid);
      }
    },
  );
}

function saved(record: SyncedItem, item: Item): boolean {
  return record.version > 0 && record.sha256 === item.sha256;
}
