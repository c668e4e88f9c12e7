/**
 * The center's database engine is server-kit's. This file stays because the
 * frozen migrations import `../engine.ts` (autoIdColumn, DialectName) and a
 * shipped migration is never edited; nothing else imports it.
 */
export { autoIdColumn, type DialectName, type Engine } from '@phonesafe/server-kit';
