/** The audit trail: one row per deposit, release, confirm, abort, withdrawal, wrong owner try and destruction; never a body, proof or key. */
import { tablesOf, type Engine } from '@phonesafe/server-kit';

export interface AuditTables {
  audit: { id: number | null; at: string; event: string; serial: number | null; owner_ref: string | null; detail: string };
}

export type AuditEvent = 'deposit' | 'release' | 'confirm' | 'abort' | 'withdraw' | 'wrong-try' | 'right-try' | 'destroy' | 'owner';

export interface AuditRow {
  at: string;
  event: string;
  serial: number | null;
  ownerRef: string | null;
  detail: string;
}

export interface AuditRepo {
  record(at: Date, event: AuditEvent, serial: number | null, ownerRef: string | null, detail?: string): Promise<void>;
  list(): Promise<AuditRow[]>;
}

export function auditRepo(engine: Engine): AuditRepo {
  const db = tablesOf<AuditTables>(engine);
  return {
    async record(at, event, serial, ownerRef, detail = '') {
      await db.insertInto('audit').values({ at: at.toISOString(), event, serial, owner_ref: ownerRef, detail }).execute();
    },
    async list() {
      const rows = await db.selectFrom('audit').select(['at', 'event', 'serial', 'owner_ref', 'detail']).orderBy('id').execute();
      return rows.map((r) => ({
        at: r.at,
        event: r.event,
        serial: r.serial === null ? null : Number(r.serial),
        ownerRef: r.owner_ref,
        detail: r.detail,
      }));
    },
  };
}
