/**
 * Schema of handset.db, one SQL script per version (PRAGMA user_version).
 * Append only: a shipped handset upgrades by running the scripts after its version.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);

  -- The handset's memory: one row per item at its current version.
  CREATE TABLE items (
    id TEXT PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    version INTEGER NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    modified_at TEXT NOT NULL
  );

  -- B2 profile: one row per backed-up version of an item (serial 1, 2, 3...).
  CREATE TABLE profile (
    item_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    path TEXT NOT NULL,
    kind TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    modified_at TEXT NOT NULL,
    sent INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (item_id, version)
  );
  CREATE TABLE profile_parts (
    item_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    part_id TEXT NOT NULL,
    plain_size INTEGER NOT NULL,
    PRIMARY KEY (item_id, version, seq),
    FOREIGN KEY (item_id, version) REFERENCES profile (item_id, version) ON DELETE CASCADE
  );
  CREATE INDEX profile_parts_by_part ON profile_parts (part_id);

  -- One sealed copy per part id: identical chunks share it, and its size and
  -- hash are what the center stores, so they are kept once, here.
  CREATE TABLE parts (
    id TEXT PRIMARY KEY,
    sealed_size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    at_center INTEGER NOT NULL
  );

  -- A backup started at the center and not yet completed, with its generation.
  CREATE TABLE open_backup (
    backup_id TEXT PRIMARY KEY,
    kinds TEXT NOT NULL,
    started_at TEXT NOT NULL
  );
  CREATE TABLE open_backup_items (
    backup_id TEXT NOT NULL REFERENCES open_backup (backup_id) ON DELETE CASCADE,
    item_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (backup_id, item_id)
  );

  CREATE TABLE history (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    event TEXT NOT NULL,
    backup_id TEXT NOT NULL,
    restore_id TEXT,
    files INTEGER NOT NULL,
    bytes INTEGER NOT NULL
  );
  `,
  `
  -- The virtual device (issue 3): what the owner is doing with it, its
  -- battery and whether it is idle. One row; readiness reads it, so a
  -- "busy" set by one process is seen by the process answering the center.
  CREATE TABLE device_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    busy_until TEXT,
    battery INTEGER NOT NULL DEFAULT 100 CHECK (battery BETWEEN 0 AND 100),
    idle INTEGER NOT NULL DEFAULT 1
  );
  INSERT INTO device_state (id) VALUES (1);

  -- Processes writing the backup area (an import in another process than the
  -- one answering the center). A row whose process is gone is stale and ignored.
  CREATE TABLE area_writers (pid INTEGER PRIMARY KEY, since TEXT NOT NULL);

  -- B9 memory extension: an offloaded item keeps its row (name, size,
  -- version, hash) and a summary; its content lives only at the center.
  ALTER TABLE items ADD COLUMN offloaded INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE items ADD COLUMN summary TEXT;

  -- What a resumable open backup covers (kinds or targets, and the center's
  -- job), so a run for another scope or job does not resume it.
  ALTER TABLE open_backup ADD COLUMN scope TEXT;
  `,
  `
  -- Lost-handset rescues (seed 004, R2). One row per rescue the center asked
  -- for: the backup saving it (open, then committed), and once erased, what
  -- the erase did, so a repeated erase request only reports again.
  CREATE TABLE rescues (
    rescue_id TEXT PRIMARY KEY,
    requested_at TEXT NOT NULL,
    backup_id TEXT,
    committed INTEGER NOT NULL DEFAULT 0,
    erased_at TEXT,
    erased_items INTEGER,
    kept_items INTEGER
  );
  -- Exactly the item versions the rescue's backup saves: its generation,
  -- fixed when the backup opened. Only these may be erased.
  CREATE TABLE rescue_items (
    rescue_id TEXT NOT NULL REFERENCES rescues (rescue_id) ON DELETE CASCADE,
    item_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (rescue_id, item_id)
  );
  `,
  `
  -- SIM sync (issue 12, sync.md). This terminal: its ID (made at first use,
  -- never changed), the terminal password's hash and the bind mode. The SIM
  -- slot (the card itself is DIR/sim.json while inserted). Area 6b: the
  -- subscribers bound to this terminal (FIG 10-A). And which item is which
  -- user-area guid, at which center version and content.
  CREATE TABLE sync_terminal (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    terminal_id TEXT NOT NULL,
    password_hash TEXT,
    bind_mode TEXT NOT NULL DEFAULT 'terminal',
    password_each_sync INTEGER NOT NULL DEFAULT 0,
    password_failures INTEGER NOT NULL DEFAULT 0,
    require_sim_for_edits INTEGER NOT NULL DEFAULT 0
  );
  CREATE TABLE sim_slot (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    subscriber TEXT NOT NULL,
    came_from TEXT NOT NULL,
    inserted_at TEXT NOT NULL
  );
  CREATE TABLE sync_binding (subscriber TEXT PRIMARY KEY, bound_at TEXT NOT NULL, via TEXT NOT NULL);
  CREATE TABLE sync_items (
    guid TEXT PRIMARY KEY,
    subscriber TEXT NOT NULL,
    item_id TEXT NOT NULL UNIQUE,
    path TEXT NOT NULL,
    kind TEXT NOT NULL,
    version INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    pending_tag TEXT,
    pending_sha256 TEXT
  );
  `,
  `
  -- The virtual device's signal level, 0 (none) to 4 (full bars): the V16
  -- recovery trigger "signal improves" watches it (wallet/triggers.ts).
  ALTER TABLE device_state ADD COLUMN signal INTEGER NOT NULL DEFAULT 4 CHECK (signal BETWEEN 0 AND 4);
  `,
];
