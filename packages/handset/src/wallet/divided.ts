/**
 * A divided value at its safes (V6; docs/design/safes.md "Division"). Deposit:
 * the n piece records are made and journaled together before the first is
 * sent, each is an ordinary idempotent deposit at its safe, and only when all
 * n certificates are checked does one card transaction store them and free a
 * bearer value; a crash or a safe that does not answer is finished by
 * depositing the same entry again (the same keys and records). Recovery: every
 * piece is released (phase one, each under its own journaled release id), the
 * pieces are joined and the value stored in one card transaction, and only then
 * is each release confirmed, so a bearer piece is tombstoned only when all came
 * back. A safe that does not answer leaves the others' pieces released but
 * unconfirmed; recovering again re-asks with the same ids and loses nothing.
 */
import { randomBytes } from 'node:crypto';
import { PhoneSafeError } from '@phonesafe/protocol';
import type { CertificateRow } from '../card/card.ts';
import { divide, join, PIECE_CLASS, type WholeValue } from './division.ts';
import { freshRecord, sendDeposit, type DepositJournal, type Sent } from './registration.ts';
import { abandon, confirmAll, releaseOne, storeOrAbandon, type LinkFor, type Recovered, type Released } from './recovery.ts';
import { ownerAt, type SafeLink, type WalletDeps } from './safe-link.ts';
import { parseValue, titleOf } from './wallet-values.ts';

export interface DividedDeposit {
  value: number;
  division: string;
  /** The pieces' certificates on the card, in piece order, with the safe and serial of each. */
  pieces: Array<{ certificate: number; safeId: string; serial: number }>;
  kept: boolean;
}

interface DivisionJournal {
  division: string;
  pieces: Array<DepositJournal & { safeId: string }>;
}

/** Divides the value at `pointer` into `count` pieces, piece i at links[i mod links.length]. */
export async function depositDivided(
  deps: WalletDeps,
  links: readonly SafeLink[],
  pointer: number,
  count: number,
  pin: string | undefined,
): Promise<DividedDeposit> {
  const row = deps.card.value(pointer);
  const safeIds = Array.from({ length: count }, (_, i) => links[i % links.length]!.safe.safe_id);
  const linkOf = (safeId: string) => links.find((l) => l.safe.safe_id === safeId)!;
  const plan = pendingDivision(deps, pointer, safeIds) ?? (await freshDivision(deps, links, pointer, count, pin));
  const sent: Sent[] = [];
  for (const piece of plan.pieces) {
    try {
      sent.push(await sendDeposit(deps, linkOf(piece.safeId), piece));
    } catch (error) {
      // A certificate not of the pinned safe: the division is given up (the pieces registered so far are useless alone).
      if (error instanceof PhoneSafeError && error.code === 'SAFE_CERTIFICATE_INVALID') deps.journal.done(plan.division);
      throw error;
    }
  }
  const kept = row.semantics === 'secret';
  const title = titleOf(parseValue(row.bytes));
  const pointers = deps.card.addCertificates(
    sent.map(({ certificate, body, header }, index) => ({
      safe_id: body.safe.id,
      serial: body.serial,
      value_id: header.valueId,
      generation: header.generation,
      class: PIECE_CLASS,
      semantics: row.semantics,
      owner_ref: body.owner,
      valid_from: row.valid_from,
      valid_to: row.valid_to,
      cert_body: certificate.body,
      cert_sig: certificate.sig,
      division: plan.division,
      piece_index: index,
      piece_count: count,
      device: header.device ?? null,
      title: `certificate: piece ${index + 1} of ${count} of ${title} at ${linkOf(body.safe.id).safe.name}`,
    })),
    kept ? [] : [pointer],
  );
  deps.journal.done(plan.division);
  return {
    value: pointer,
    division: plan.division,
    pieces: pointers.map((certificate, i) => ({ certificate, safeId: sent[i]!.body.safe.id, serial: sent[i]!.body.serial })),
    kept,
  };
}

/** The division journaled for this entry with the same safes in the same order, if any. */
function pendingDivision(deps: WalletDeps, pointer: number, safeIds: readonly string[]): DivisionJournal | undefined {
  const pending = deps.journal.find('deposit', pointer);
  const plan = pending ? (JSON.parse(pending.request) as Partial<DivisionJournal>) : undefined;
  if (!plan?.division || !plan.pieces) return undefined;
  const same = plan.pieces.length === safeIds.length && plan.pieces.every((p, i) => p.safeId === safeIds[i]);
  return same ? (plan as DivisionJournal) : undefined;
}

/** Seals and divides the value, makes one signed record per piece and journals them all before anything is sent. */
async function freshDivision(
  deps: WalletDeps,
  links: readonly SafeLink[],
  pointer: number,
  count: number,
  pin: string | undefined,
): Promise<DivisionJournal> {
  const row = deps.card.value(pointer);
  const whole: WholeValue = {
    valueId: row.value_id,
    generation: row.generation,
    class: row.class,
    semantics: row.semantics,
    bytes: Buffer.from(row.bytes),
  };
  const division = randomBytes(16).toString('hex');
  const docs = divide(deps.card.keys, whole, count, division);
  const pieces: DivisionJournal['pieces'] = [];
  for (const [index, doc] of docs.entries()) {
    const link = links[index % links.length]!;
    const owner = pin === undefined ? null : await ownerAt(deps, link, pin);
    // A piece shows its safe nothing of the value: its own random id, the class "piece", a digest of its place only.
    const digest = { class: PIECE_CLASS, name: `piece ${index + 1} of ${count}`, qty: 1, validity: null, place: null };
    const plan = {
      valueId: randomBytes(16).toString('hex'),
      generation: 1,
      class: PIECE_CLASS,
      semantics: row.semantics,
      digest,
      bytes: doc,
    };
    pieces.push({ ...freshRecord(deps, link, plan, owner), safeId: link.safe.safe_id });
  }
  const pending = deps.journal.find('deposit', pointer);
  if (pending) deps.journal.done(pending.id);
  const journal: DivisionJournal = { division, pieces };
  deps.journal.write({
    id: division,
    kind: 'deposit',
    pointer,
    safe_id: pieces[0]!.safeId,
    request: JSON.stringify(journal),
    stage: 'sent',
  });
  return journal;
}

/** Recovers the divided value `cert` is one piece of: all pieces or none. */
export async function recoverDivided(
  deps: WalletDeps,
  linkFor: LinkFor,
  cert: CertificateRow,
  pin: string | undefined,
): Promise<Recovered> {
  const division = cert.division!;
  const pieces = deps.card.piecesOf(division);
  if (pieces.length !== cert.piece_count || pieces.some((p, i) => p.piece_index !== i || p.piece_count !== cert.piece_count)) {
    throw new PhoneSafeError('SAFE_PIECE_MISMATCH', `the card does not hold the ${cert.piece_count} pieces of this value`);
  }
  const released: Released[] = [];
  for (const piece of pieces) {
    try {
      released.push(await releaseOne(deps, await linkFor(piece.safe_id), piece, pin));
    } catch (error) {
      // A safe that does not answer now may later: keep the others released and journaled, retry re-asks them.
      if (!(error instanceof PhoneSafeError) || !error.retryable) await abandon(deps, linkFor, released);
      throw error;
    }
  }
  let whole: WholeValue;
  try {
    whole = join(
      deps.card.keys,
      division,
      released.map((r) => r.bytes),
    );
  } catch (error) {
    await abandon(deps, linkFor, released);
    throw error;
  }
  const stored = await storeOrAbandon(deps, linkFor, released, [whole]);
  const states = await confirmAll(deps, linkFor, released);
  return { certificate: cert.pointer, value: stored, state: [...new Set(states)].join(', '), pieces: pieces.map((p) => p.pointer) };
}
