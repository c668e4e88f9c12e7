import { open } from 'node:fs/promises';
import type { Item } from '../memory/memory.ts';

/** Kinds whose content means nothing as text: a stub shows their kind and size. */
const BINARY_KINDS = new Set(['media', 'apps', 'appdata', 'rights', 'wallet']);
const HEAD_BYTES = 4096;
const MAX_SUMMARY = 120;

/**
 * What a stub shows instead of its content (B9): for media and other binary
 * kinds the kind and size; for text kinds the first line, as a phone lists a
 * contact or a mail by its first line.
 */
export async function summaryOf(item: Item, contentPath: string): Promise<string> {
  const sized = `${item.kind}, ${item.size} bytes`;
  if (BINARY_KINDS.has(item.kind) || item.size === 0) return sized;
  const head = Buffer.alloc(Math.min(HEAD_BYTES, item.size));
  const file = await open(contentPath, 'r');
  try {
    await file.read(head, 0, head.length, 0);
  } finally {
    await file.close();
  }
  if (head.includes(0)) return sized;
  const firstLine = head
    .toString('utf8')
    .split(/\r?\n/, 1)[0]!
    .replace(/\uFFFD+$/, '')
    .trim();
  if (firstLine === '') return sized;
  return firstLine.length > MAX_SUMMARY ? `${firstLine.slice(0, MAX_SUMMARY - 1)}…` : firstLine;
}
