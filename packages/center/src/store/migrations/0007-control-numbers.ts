/**
 * Part of migration 0007: control numbers leave the clear. New rescues keep
 * theirs sealed under the code number (`rescues.control_seal`,
 * rescue/control-seal.ts). A number stored in clear before cannot be sealed
 * without the code, which the center never keeps: it becomes a scrypt hash
 * (`rescues.control_hash`, `scrypt$N$r$p$salt$hash` over
 * `rescue-control\0<digits>`), which a restore still accepts; rescue-status
 * then shows a newly issued, sealed number beside it. Audit details and
 * notices that carried a number get it replaced by "(withheld)". The hashing
 * is a frozen copy, so later changes to the rescue code do not change what
 * this migration wrote.
 */
import { randomBytes, scrypt } from 'node:crypto';
import type { Kysely } from 'kysely';

/** The rescue code's cost when 0007 was written (CODE_COST). */
const COST = { N: 1 << 16, r: 8, p: 1 };
/** As the code before 0007 wrote control numbers: 4-4-4-4 in messages, or 16 digits together. */
const CLEAR_CONTROL = /\b\d{4}-\d{4}-\d{4}-\d{4}\b|\b\d{16}\b/g;

interface Tables {
  rescues: { id: string; control_number: string | null; control_hash: string | null };
  rescue_audit: { id: number; detail: string };
  notices: { id: string; message: string };
}

export async function hideControlNumbers(raw: Kysely<unknown>): Promise<void> {
  await raw.schema.alterTable('rescues').addColumn('control_seal', 'text').execute();
  await raw.schema.alterTable('rescues').addColumn('control_hash', 'text').execute();
  const db = raw as unknown as Kysely<Tables>;
  const clear = await db.selectFrom('rescues').select(['id', 'control_number']).where('control_number', 'is not', null).execute();
  for (const row of clear) {
    const hash = await hashControl(row.control_number!);
    await db.updateTable('rescues').set({ control_hash: hash, control_number: null }).where('id', '=', row.id).execute();
  }
  const details = await db.selectFrom('rescue_audit').select(['id', 'detail']).where('detail', 'like', '%control number%').execute();
  for (const row of details) {
    const detail = withheld(row.detail);
    if (detail !== row.detail) await db.updateTable('rescue_audit').set({ detail }).where('id', '=', row.id).execute();
  }
  const messages = await db.selectFrom('notices').select(['id', 'message']).where('message', 'like', '%control number%').execute();
  for (const row of messages) {
    const message = withheld(row.message);
    if (message !== row.message) await db.updateTable('notices').set({ message }).where('id', '=', row.id).execute();
  }
}

const withheld = (text: string) => text.replace(CLEAR_CONTROL, '(withheld)');

function hashControl(control: string): Promise<string> {
  const salt = randomBytes(16);
  const maxmem = 256 * COST.N * COST.r + 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(Buffer.from(`rescue-control\0${control}`, 'utf8'), salt, 32, { ...COST, maxmem }, (error, hash) => {
      if (error) reject(error);
      else resolve(['scrypt', COST.N, COST.r, COST.p, salt.toString('base64'), hash.toString('base64')].join('$'));
    });
  });
}
