/** The deposits' storage port and its Kysely implementation (SQLite and PostgreSQL alike). */
import { tablesOf, type Engine } from '@phonesafe/server-kit';
import type { ReleaseState } from '@phonesafe/protocol';
import type { DepositRowTable, DepositTables } from './deposit-tables.ts';

export type DepositRow = DepositRowTable;

export interface StateChange {
  from: ReleaseState;
  to: ReleaseState;
  releaseId: string | null;
  /** Only when the row is still held under this release id. */
  whenReleaseId?: string;
  dropBody?: boolean;
  releasedAt?: string;
}

export interface DepositRepo {
  byKey(depositKey: string): Promise<DepositRow | undefined>;
  /** FIG 4, steps 1 and 2: the rows with this counter, narrowed to this hash (index deposits_by_serial_hash). */
  bySerialAndHash(serial: number, hash: string): Promise<DepositRow[]>;
  /** Takes the next counter value and advances it, wrapping to 0 after `max`; inside the deposit's transaction. */
  takeSerial(max: number): Promise<number>;
  insert(row: DepositRow): Promise<void>;
  /** A conditional update: true when the row was in `from` (and held under `whenReleaseId`). */
  move(id: string, change: StateChange): Promise<boolean>;
  /** Deletes the bodies of an owner's live deposits (the guess limit's destruction); returns how many. */
  destroyOwned(ownerRef: string, at: string): Promise<number>;
  /**
   * V12, inside the release's transaction: a right device answer resets the deposit's tries to `max`, a wrong
   * or missing one spends one (the row read FOR UPDATE on PostgreSQL), and the last one destroys the body.
   * Returns the tries left; 0 means destroyed (now or before).
   */
  countDeviceTry(id: string, right: boolean, max: number, at: string): Promise<number>;
  all(): Promise<DepositRow[]>;
}

export function depositRepo(engine: Engine): DepositRepo {
  const db = tablesOf<DepositTables>(engine);
  return {
    byKey: (depositKey) => db.selectFrom('deposits').selectAll().where('deposit_key', '=', depositKey).executeTakeFirst().then(normalise),
    async bySerialAndHash(serial, hash) {
      const rows = await db.selectFrom('deposits').selectAll().where('serial', '=', serial).where('hash', '=', hash).execute();
      return rows.map((r) => normalise(r) as DepositRow);
    },
    async takeSerial(max) {
      let query = db.selectFrom('safe_counter').select('next').where('id', '=', 1);
      if (engine.rowLocks) query = query.forUpdate();
      const { next } = await query.executeTakeFirstOrThrow();
      const serial = Number(next);
      await db
        .updateTable('safe_counter')
        .set({ next: serial >= max ? 0 : serial + 1 })
        .where('id', '=', 1)
        .execute();
      return serial;
    },
    async insert(row) {
      await db.insertInto('deposits').values(row).execute();
    },
    async move(id, change) {
      let update = db
        .updateTable('deposits')
        .set({
          state: change.to,
          release_id: change.releaseId,
          ...(change.dropBody ? { body: null } : {}),
          ...(change.releasedAt ? { released_at: change.releasedAt } : {}),
        })
        .where('id', '=', id)
        .where('state', '=', change.from);
      if (change.whenReleaseId !== undefined) update = update.where('release_id', '=', change.whenReleaseId);
      const result = await update.executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async destroyOwned(ownerRef, at) {
      const result = await db
        .updateTable('deposits')
        .set({ state: 'destroyed', body: null, released_at: at })
        .where('owner_ref', '=', ownerRef)
        .where('state', 'in', ['deposited', 'releasing'])
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
    countDeviceTry: (id, right, max, at) => countDeviceTry(engine, id, right, max, at),
    async all() {
      const rows = await db.selectFrom('deposits').selectAll().orderBy('serial').orderBy('created_at').execute();
      return rows.map((r) => normalise(r) as DepositRow);
    },
  };
}

async function countDeviceTry(engine: Engine, id: string, right: boolean, max: number, at: string): Promise<number> {
  const db = tablesOf<DepositTables>(engine);
  let query = db.selectFrom('deposits').select(['device_tries_left', 'state']).where('id', '=', id);
  if (engine.rowLocks) query = query.forUpdate();
  const row = await query.executeTakeFirstOrThrow();
  const left = Number(row.device_tries_left ?? 0);
  if (row.state === 'destroyed' || left <= 0) return 0;
  const next = right ? max : left - 1;
  const destroy = next === 0 ? { state: 'destroyed', body: null, released_at: at } : {};
  await db
    .updateTable('deposits')
    .set({ device_tries_left: next, ...destroy })
    .where('id', '=', id)
    .execute();
  return next;
}

/** PostgreSQL gives bigint columns as numbers through the engine's parser; SQLite may give them as numbers or bigints. */
function normalise(row: DepositRow | undefined): DepositRow | undefined {
  return row === undefined ? undefined : { ...row, serial: Number(row.serial), body_size: Number(row.body_size) };
}
