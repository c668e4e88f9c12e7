/** Prune's sweeps of stored files (blob files, packs) for those no row names. */

/**
 * Walks `entries`, skipping those written at or after `before`, in pages
 * of `pageSize` grouped by owner, so each page costs one row lookup per
 * owner: `judge` answers how many of one owner's entries it deleted.
 */
export async function sweepByOwner<E extends { ownerId: string; writtenAt: string }>(
  entries: AsyncIterable<E>,
  before: string,
  pageSize: number,
  judge: (ownerId: string, entries: E[]) => Promise<number>,
): Promise<number> {
  let removed = 0;
  let page: E[] = [];
  const flush = async () => {
    const byOwner = new Map<string, E[]>();
    for (const entry of page) byOwner.set(entry.ownerId, [...(byOwner.get(entry.ownerId) ?? []), entry]);
    for (const [ownerId, owned] of byOwner) removed += await judge(ownerId, owned);
    page = [];
  };
  for await (const entry of entries) {
    if (entry.writtenAt >= before) continue;
    page.push(entry);
    if (page.length >= pageSize) await flush();
  }
  await flush();
  return removed;
}
