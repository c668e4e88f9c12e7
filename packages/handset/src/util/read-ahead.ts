/**
 * Each item with what `prepare` made of it, in order, with up to `depth`
 * items prepared ahead. When the consumer stops early (or a preparation
 * fails), what was prepared ahead and not handed out is discarded.
 */
export async function* readAhead<T, R>(
  items: readonly T[],
  depth: number,
  prepare: (item: T) => Promise<R>,
  discard: (prepared: R) => Promise<void>,
): AsyncGenerator<[T, R]> {
  const ahead: Array<{ item: T; prepared: Promise<R> }> = [];
  let next = 0;
  try {
    for (;;) {
      while (ahead.length < depth && next < items.length) {
        const item = items[next++]!;
        const prepared = prepare(item);
        prepared.catch(() => undefined); // awaited in order below; this keeps a later failure from being unhandled meanwhile
        ahead.push({ item, prepared });
      }
      const first = ahead.shift();
      if (!first) return;
      yield [first.item, await first.prepared];
    }
  } finally {
    for (const settled of await Promise.allSettled(ahead.map((a) => a.prepared))) {
      if (settled.status === 'fulfilled') await discard(settled.value);
    }
  }
}
