/** The restore orders' lifecycle as other capabilities see it (app.ts subscribes them). */
import type { RestoreRow } from './restore-repo.ts';

export interface RestoreHooks {
  /** Told of every completed order, before a deletion it asked for (the rescue desk marks its rescue restored). */
  completed: ReadonlyArray<(order: RestoreRow) => Promise<void>>;
}

/** The lists the composition root subscribes to, empty. */
export function restoreHookLists(): { completed: Array<(order: RestoreRow) => Promise<void>> } {
  return { completed: [] };
}
