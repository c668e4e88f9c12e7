/**
 * IN-list size per query. SQLite caps bound parameters (32766 by default) and
 * PostgreSQL at 65535 per statement; 500 stays far below both and keeps plans cheap.
 */
const IN_LIST_CHUNK = 500;

export function* chunked<T>(items: readonly T[], size = IN_LIST_CHUNK): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
