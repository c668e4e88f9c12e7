/** The owners' storage port and its Kysely implementation. */
import { tablesOf, type Engine } from '@phonesafe/server-kit';
import type { OwnerTables } from './owner-tables.ts';

export type OwnerRow = OwnerTables['owners'];

export interface OwnerRepo {
  get(ownerRef: string): Promise<OwnerRow | undefined>;
  /** The owner row, locked for the rest of the transaction where the engine locks rows (PostgreSQL). */
  lock(ownerRef: string): Promise<OwnerRow | undefined>;
  insert(row: OwnerRow): Promise<void>;
  setTries(ownerRef: string, triesLeft: number): Promise<void>;
  destroy(ownerRef: string, at: string): Promise<void>;
}

export function ownerRepo(engine: Engine): OwnerRepo {
  const db = tablesOf<OwnerTables>(engine);
  return {
    get: (ownerRef) => db.selectFrom('owners').selectAll().where('owner_ref', '=', ownerRef).executeTakeFirst(),
    lock(ownerRef) {
      const query = db.selectFrom('owners').selectAll().where('owner_ref', '=', ownerRef);
      return (engine.rowLocks ? query.forUpdate() : query).executeTakeFirst();
    },
    async insert(row) {
      await db.insertInto('owners').values(row).execute();
    },
    async setTries(ownerRef, triesLeft) {
      await db.updateTable('owners').set({ tries_left: triesLeft }).where('owner_ref', '=', ownerRef).execute();
    },
    async destroy(ownerRef, at) {
      await db.updateTable('owners').set({ tries_left: 0, verifier: null, destroyed_at: at }).where('owner_ref', '=', ownerRef).execute();
    },
  };
}
