/**
 * The IC card's own SQLite file, `DIR/card/card.db` (docs/design/safes.md,
 * "The card and the wallet"): apart from the handset's memory, so no
 * backup, sync or rescue save ever reads it. Its migrations are its own,
 * append-only and positional like the handset's.
 */
import { chmod, mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { HandsetDb } from '../db/database.ts';

export const CARD_MIGRATIONS: readonly string[] = [
  `CREATE TABLE card_meta (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     capacity INTEGER NOT NULL,
     card_seed BLOB NOT NULL,
     owner_email TEXT,
     owner_salt TEXT,
     created_at TEXT NOT NULL
   );
   CREATE TABLE entries (
     pointer INTEGER PRIMARY KEY AUTOINCREMENT,
     sign TEXT NOT NULL CHECK (sign IN ('A', 'B')),
     size INTEGER NOT NULL,
     title TEXT NOT NULL
   );
   CREATE TABLE card_values (
     pointer INTEGER PRIMARY KEY REFERENCES entries (pointer) ON DELETE CASCADE,
     value_id TEXT NOT NULL UNIQUE,
     generation INTEGER NOT NULL,
     class TEXT NOT NULL,
     semantics TEXT NOT NULL,
     valid_from TEXT,
     valid_to TEXT,
     bytes BLOB NOT NULL
   );
   CREATE TABLE card_certificates (
     pointer INTEGER PRIMARY KEY REFERENCES entries (pointer) ON DELETE CASCADE,
     safe_id TEXT NOT NULL,
     serial INTEGER NOT NULL,
     value_id TEXT NOT NULL,
     generation INTEGER NOT NULL,
     class TEXT NOT NULL,
     semantics TEXT NOT NULL,
     owner_ref TEXT,
     valid_from TEXT,
     valid_to TEXT,
     cert_body TEXT NOT NULL,
     cert_sig TEXT NOT NULL
   );
   CREATE TABLE high_water (value_id TEXT PRIMARY KEY, generation INTEGER NOT NULL);
   CREATE TABLE journal (
     id TEXT PRIMARY KEY,
     kind TEXT NOT NULL CHECK (kind IN ('deposit', 'release')),
     pointer INTEGER NOT NULL,
     safe_id TEXT NOT NULL,
     request TEXT NOT NULL,
     stage TEXT NOT NULL,
     created_at TEXT NOT NULL
   );
   CREATE TABLE safes (
     safe_id TEXT PRIMARY KEY,
     url TEXT NOT NULL UNIQUE,
     name TEXT NOT NULL,
     sign_pub TEXT NOT NULL,
     box_pub TEXT NOT NULL,
     owner_ref TEXT,
     pinned_at TEXT NOT NULL
   );`,
  // V13 holding start, V16 recall marks, and the automatic backup and recovery
  // (wallet/auto-settings.ts, wallet/triggers.ts): one settings document and
  // the edge-detection memory, each one row. A value from before has no
  // holding start (NULL) and is never selected by heldLongerThan.
  `ALTER TABLE card_values ADD COLUMN held_since TEXT;
   ALTER TABLE card_certificates ADD COLUMN recall INTEGER NOT NULL DEFAULT 0;
   CREATE TABLE auto_settings (id INTEGER PRIMARY KEY CHECK (id = 1), settings TEXT NOT NULL);
   CREATE TABLE auto_state (id INTEGER PRIMARY KEY CHECK (id = 1), memory TEXT NOT NULL);`,
  // V6 division: a certificate that stands for one piece of a divided value names its division, its place and the count;
  // V11: a pinned safe may carry the PEM of the CA (or its own self-signed certificate) its HTTPS certificate must chain to;
  // V12: a certificate whose release needs the authentication device names that device's public key (b64url).
  `ALTER TABLE card_certificates ADD COLUMN division TEXT;
   ALTER TABLE card_certificates ADD COLUMN piece_index INTEGER;
   ALTER TABLE card_certificates ADD COLUMN piece_count INTEGER;
   CREATE INDEX card_certificates_by_division ON card_certificates (division, piece_index);
   ALTER TABLE safes ADD COLUMN ca TEXT;
   ALTER TABLE card_certificates ADD COLUMN device TEXT;`,
];

/** Opens (creating when new) the card in `dir`: folder 0700, file 0600. */
export async function openCardDb(dir: string): Promise<HandsetDb> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const file = join(dir, 'card.db');
  await (await open(file, 'a', 0o600)).close();
  return new HandsetDb(file, CARD_MIGRATIONS);
}
