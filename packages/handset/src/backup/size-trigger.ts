import { DATA_KINDS } from '@phonesafe/protocol';
import type { PartIndex } from '../backup-area/part-index.ts';
import type { VersionRecords } from '../backup-area/version-records.ts';
import type { HandsetSettings } from '../settings/schema.ts';
import { isTarget } from '../settings/targets.ts';
import { partIdsOf } from './generation.ts';

/**
 * B4 storing-size trigger (seed 001 [0042]: "when the total size of the
 * backup files stored in the terminal exceeds a constant value"): the sealed
 * bytes of target copies waiting in the backup area. Only targets count: the
 * area also holds copies of other items (for the owner's "back up now"), and
 * a triggered backup, which sends targets only, could never bring those down.
 */
export function sizeTriggerFires(settings: HandsetSettings, versions: VersionRecords, index: PartIndex): boolean {
  const threshold = settings.triggers.sizeThresholdBytes;
  if (threshold === null) return false;
  const waiting = versions.newest(DATA_KINDS).filter((entry) => !entry.sent && isTarget(entry, settings.targets));
  return index.pendingBytesOf(partIdsOf(waiting)) > threshold;
}
