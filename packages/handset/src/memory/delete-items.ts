import { pruneArea } from '../backup-area/backup-area.ts';
import type { HandsetContext } from '../context.ts';
import type { Item } from './memory.ts';

export type DeleteItemsDeps = Pick<HandsetContext, 'db' | 'memory' | 'versions' | 'index' | 'area' | 'openBackups' | 'writes'>;

/**
 * Deletes items the owner no longer has (`import --mirror`): the row, its
 * version records and the backup-area copies nothing else uses, in one
 * transaction, then the content files. Backups made from now on do not
 * name them, so a restore of a later backup does not bring them back;
 * older backups still hold them until retention forgets those. `within`
 * runs in the same transaction (the sync erase forgets its records there).
 */
export function deleteItems(deps: DeleteItemsDeps, items: readonly Item[], within: () => void = () => {}): Promise<number> {
  if (items.length === 0) return Promise.resolve(0);
  return deps.writes.run(async () => {
    deps.db.transaction(() => {
      within();
      for (const item of items) {
        deps.memory.removeRow(item.id);
        deps.versions.forgetItem(item.id);
      }
      // An open backup naming a deleted version could never be sent: the next run starts afresh.
      const open = deps.openBackups.get();
      if (open && open.generation.some((key) => !deps.memory.byId(key.itemId))) deps.openBackups.clear();
      deps.index.forgetUnused();
    });
    await pruneArea(deps.index, deps.area);
    for (const item of items) await deps.memory.removeContent(item.id);
    return items.length;
  });
}
