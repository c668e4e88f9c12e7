/**
 * Part of migration 0007: stored phone numbers take the canonical form
 * `+<digits>` (protocol `schemas/phone.ts`), so `8190…` and `+8190…` stop
 * being two numbers. Rows passed the old rule (6-15 digits, optional `+`),
 * so canonical here is: separators dropped, `+` added. This copy of the
 * rule is frozen with the migration. A number the new rule refuses (6
 * digits, a leading 0) is stored `+<digits>` all the same; the desk refuses
 * it until the owner enrols the number with its country code.
 *
 * Where two spellings meet:
 * - code rows: the newest set is kept (the one the owner typed last);
 * - handsets: a number belongs to one owner, the one whose code row was
 *   kept (else the owner of the newest handset); other owners' handsets
 *   with that number lose it;
 * - rescues still open (one per number): one already under the canonical
 *   number keeps it, else the newest takes it; any other keeps its old
 *   spelling (it still saves, erases and expires by its id);
 * - wrong-try counters: merged, the higher count and the later lock kept.
 */
import type { Kysely } from 'kysely';

const OPEN_STATES = new Set(['waiting-for-handset', 'saving', 'saved']);

interface Tables {
  handsets: { id: string; owner_id: string; phone: string | null; enrolled_at: string };
  rescue_codes: { phone: string; owner_id: string; set_at: string };
  rescues: { id: string; phone: string; status: string; requested_at: string };
  rescue_audit: { phone: string };
  wrong_tries: { key: string; failures: number; locked_until: string | null; last_failure_at: string | null };
}
type Db = Kysely<Tables>;

export function canonicalPhone0007(stored: string): string {
  const stripped = stored.replace(/[\s().-]/g, '');
  return stripped.startsWith('+') ? stripped : `+${stripped}`;
}

export async function canonicalisePhones(raw: Kysely<unknown>): Promise<void> {
  const db = raw as unknown as Db;
  const holders = await codeRows(db);
  await handsetPhones(db, holders);
  await rescuePhones(db);
  const audited = await db.selectFrom('rescue_audit').select('phone').distinct().execute();
  for (const { phone } of audited) {
    const canonical = canonicalPhone0007(phone);
    if (canonical !== phone) await db.updateTable('rescue_audit').set({ phone: canonical }).where('phone', '=', phone).execute();
  }
  await wrongTryKeys(db);
}

/** Keeps the newest code row per canonical number; answers each number's owner by its code. */
async function codeRows(db: Db): Promise<Map<string, string>> {
  const rows = await db.selectFrom('rescue_codes').selectAll().orderBy('set_at', 'desc').execute();
  const kept = new Map<string, Tables['rescue_codes']>();
  for (const row of rows) {
    const canonical = canonicalPhone0007(row.phone);
    if (kept.has(canonical)) await db.deleteFrom('rescue_codes').where('phone', '=', row.phone).execute();
    else kept.set(canonical, row);
  }
  for (const [canonical, row] of kept) {
    if (row.phone !== canonical) await db.updateTable('rescue_codes').set({ phone: canonical }).where('phone', '=', row.phone).execute();
  }
  return new Map([...kept].map(([canonical, row]) => [canonical, row.owner_id]));
}

async function handsetPhones(db: Db, holders: Map<string, string>): Promise<void> {
  const rows = await db
    .selectFrom('handsets')
    .select(['id', 'owner_id', 'phone', 'enrolled_at'])
    .where('phone', 'is not', null)
    .orderBy('enrolled_at', 'desc')
    .execute();
  const owners = new Map(holders);
  for (const row of rows) {
    const canonical = canonicalPhone0007(row.phone!);
    // Newest first: with no code row, the newest handset's owner holds the number.
    if (!owners.has(canonical)) owners.set(canonical, row.owner_id);
    const phone = owners.get(canonical) === row.owner_id ? canonical : null;
    if (phone !== row.phone) await db.updateTable('handsets').set({ phone }).where('id', '=', row.id).execute();
  }
}

async function rescuePhones(db: Db): Promise<void> {
  const rows = await db.selectFrom('rescues').select(['id', 'phone', 'status', 'requested_at']).orderBy('requested_at', 'desc').execute();
  const openTaken = new Set(rows.filter((r) => OPEN_STATES.has(r.status) && canonicalPhone0007(r.phone) === r.phone).map((r) => r.phone));
  for (const row of rows) {
    const canonical = canonicalPhone0007(row.phone);
    if (canonical === row.phone) continue;
    if (OPEN_STATES.has(row.status)) {
      if (openTaken.has(canonical)) continue;
      openTaken.add(canonical);
    }
    await db.updateTable('rescues').set({ phone: canonical }).where('id', '=', row.id).execute();
  }
}

async function wrongTryKeys(db: Db): Promise<void> {
  const rows = await db
    .selectFrom('wrong_tries')
    .selectAll()
    .where((eb) => eb.or([eb('key', 'like', 'code:%'), eb('key', 'like', 'control:%')]))
    .execute();
  const byKey = new Map(rows.map((row) => [row.key, row]));
  for (const row of rows) {
    const [prefix, phone] = [row.key.slice(0, row.key.indexOf(':')), row.key.slice(row.key.indexOf(':') + 1)];
    const key = `${prefix}:${canonicalPhone0007(phone)}`;
    if (key === row.key) continue;
    const other = byKey.get(key);
    await db.deleteFrom('wrong_tries').where('key', '=', row.key).execute();
    byKey.delete(row.key);
    const merged = other ? merge(other, row) : { ...row, key };
    if (other) await db.updateTable('wrong_tries').set(merged).where('key', '=', key).execute();
    else await db.insertInto('wrong_tries').values(merged).execute();
    byKey.set(key, merged);
  }
}

function merge(a: Tables['wrong_tries'], b: Tables['wrong_tries']): Tables['wrong_tries'] {
  const later = (x: string | null, y: string | null) => (x === null ? y : y === null ? x : x > y ? x : y);
  return {
    key: a.key,
    failures: Math.max(a.failures, b.failures),
    locked_until: later(a.locked_until, b.locked_until),
    last_failure_at: later(a.last_failure_at, b.last_failure_at),
  };
}
