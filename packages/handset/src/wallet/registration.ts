/**
 * Registration (V2–V4, V7; docs/design/safes.md "Registration, exactly
 * once"): the card seals and signs the value (or the coupling of several),
 * journals the deposit key and record, sends them, checks the certificate
 * against the pinned safe and only then, in one card transaction, stores the
 * certificate and frees the values (bearer) or keeps them (secret). A crash
 * or a lost answer is finished by depositing the same entry again: the same
 * key and record, one deposit.
 */
import { randomBytes } from 'node:crypto';
import {
  DepositHeader,
  PhoneSafeError,
  type Certificate,
  type CertificateBody,
  type Semantics,
  type SignedRecord,
  type ValueDigest,
} from '@phonesafe/protocol';
import { b64url, checkCertificate, fromB64url, makeRecord } from '@phonesafe/protocol/node';
import { COUPLED_CLASS, couple, type CoupleOrder } from './coupling.ts';
import { ownerAt, type SafeLink, type WalletDeps } from './safe-link.ts';
import { digestOf, parseValue, titleOf } from './wallet-values.ts';

export interface Deposited {
  value: number;
  /** Every value the registration holds (one, or the coupled ones). */
  values: number[];
  certificate: number;
  safeId: string;
  serial: number;
  kept: boolean;
}

export interface DepositJournal {
  depositKey: string;
  record: SignedRecord;
}

export interface Sent {
  certificate: Certificate;
  body: CertificateBody;
  header: DepositHeader;
}

/** What one deposit record seals. */
export interface RecordPlan {
  valueId: string;
  generation: number;
  class: string;
  semantics: Semantics;
  digest: ValueDigest;
  bytes: Buffer;
}

/** What one registration registers. */
interface Plan extends RecordPlan {
  pointers: number[];
  title: string;
  validFrom: string | null;
  validTo: string | null;
}

export function depositValue(deps: WalletDeps, link: SafeLink, pointer: number, pin: string | undefined): Promise<Deposited> {
  const row = deps.card.value(pointer);
  const value = parseValue(row.bytes);
  return register(deps, link, pin, {
    pointers: [pointer],
    valueId: row.value_id,
    generation: row.generation,
    class: row.class,
    semantics: row.semantics,
    digest: digestOf(value),
    bytes: Buffer.from(row.bytes),
    title: titleOf(value),
    validFrom: row.valid_from,
    validTo: row.valid_to,
  });
}

/** V7: the values as one registration with one certificate. */
export function depositCoupled(
  deps: WalletDeps,
  link: SafeLink,
  pointers: number[],
  order: CoupleOrder,
  pin: string | undefined,
): Promise<Deposited> {
  const rows = pointers.map((p) => deps.card.value(p));
  const bytes = couple(deps.card.keys, rows, order);
  const pending = pendingRecord(deps, pointers[0]!);
  const valueId = pending
    ? DepositHeader.parse(JSON.parse(fromB64url(pending.record.header).toString())).valueId
    : randomBytes(16).toString('hex');
  const starts = rows.map((r) => r.valid_from).filter((d): d is string => d !== null);
  return register(deps, link, pin, {
    pointers,
    valueId,
    generation: 1,
    class: COUPLED_CLASS,
    semantics: rows[0]!.semantics,
    digest: { class: COUPLED_CLASS, name: `${rows.length} values`, qty: rows.length, validity: null, place: null },
    bytes,
    title: `${rows.length} coupled values`,
    validFrom: starts.length === rows.length ? starts.sort()[0]! : null,
    validTo: null,
  });
}

async function register(deps: WalletDeps, link: SafeLink, pin: string | undefined, plan: Plan): Promise<Deposited> {
  const first = plan.pointers[0]!;
  const owner = pin === undefined ? null : await ownerAt(deps, link, pin);
  const pending = deps.journal.find('deposit', first);
  const held = pendingRecord(deps, first);
  const reuse = held !== undefined && pending?.safe_id === link.safe.safe_id;
  const request: DepositJournal = reuse ? held : freshRecord(deps, link, plan, owner);
  if (!reuse) {
    if (pending) deps.journal.done(pending.id);
    deps.journal.write({
      id: request.depositKey,
      kind: 'deposit',
      pointer: first,
      safe_id: link.safe.safe_id,
      request: JSON.stringify(request),
      stage: 'sent',
    });
  }
  let sent: Sent;
  try {
    sent = await sendDeposit(deps, link, request);
  } catch (error) {
    // Not a certificate of the pinned safe: nothing was registered there that this card can claim; the values stay.
    if (error instanceof PhoneSafeError && error.code === 'SAFE_CERTIFICATE_INVALID') deps.journal.done(request.depositKey);
    throw error;
  }
  const { certificate, body, header } = sent;
  const kept = plan.semantics === 'secret';
  const certPointer = deps.card.addCertificate(
    {
      safe_id: link.safe.safe_id,
      serial: body.serial,
      value_id: header.valueId,
      generation: header.generation,
      class: header.class,
      semantics: header.semantics,
      owner_ref: body.owner,
      valid_from: plan.validFrom,
      valid_to: plan.validTo,
      cert_body: certificate.body,
      cert_sig: certificate.sig,
      device: header.device ?? null,
      title: `certificate: ${plan.title} at ${link.safe.name}`,
    },
    kept ? [] : plan.pointers,
  );
  deps.journal.done(request.depositKey);
  return { value: first, values: plan.pointers, certificate: certPointer, safeId: link.safe.safe_id, serial: body.serial, kept };
}

/** The single record journaled for a deposit of this entry (not a division's set of pieces), if any. */
function pendingRecord(deps: WalletDeps, pointer: number): DepositJournal | undefined {
  const pending = deps.journal.find('deposit', pointer);
  const request = pending ? (JSON.parse(pending.request) as Partial<DepositJournal>) : undefined;
  return request?.record && request.depositKey ? (request as DepositJournal) : undefined;
}

/**
 * Sends a journaled deposit (idempotent by its key: a repeat answers the same certificate) and checks the
 * certificate against the pinned safe before the card relies on it; SAFE_CERTIFICATE_INVALID otherwise.
 */
export async function sendDeposit(deps: WalletDeps, link: SafeLink, request: DepositJournal): Promise<Sent> {
  const header = DepositHeader.parse(JSON.parse(fromB64url(request.record.header).toString('utf8')));
  const certificate = await link.client.deposit({ depositKey: request.depositKey, record: request.record });
  const body = checkCertificate(certificate, {
    safeSignPub: link.signPub,
    safeId: link.safe.safe_id,
    card: deps.card.keys,
    record: request.record,
    header,
  });
  return { certificate, body, header };
}

/** A new deposit key and the signed, sealed record of `plan` for this safe. */
export function freshRecord(deps: WalletDeps, link: SafeLink, plan: RecordPlan, owner: string | null): DepositJournal {
  const { record } = makeRecord(deps.card.keys, {
    audience: link.safe.safe_id,
    valueId: plan.valueId,
    generation: plan.generation,
    class: plan.class,
    semantics: plan.semantics,
    digest: plan.digest,
    owner,
    at: deps.clock.now(),
    value: plan.bytes,
    ...(deps.device ? { device: deps.device.view().publicKey } : {}),
  });
  return { depositKey: b64url(randomBytes(18)), record };
}
