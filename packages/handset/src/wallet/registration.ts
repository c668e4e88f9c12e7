/**
 * Registration (V2–V4, docs/design/safes.md "Registration, exactly once"):
 * the card seals and signs the value, journals the deposit key and record,
 * sends them, checks the certificate against the pinned safe and only then,
 * in one card transaction, stores the certificate and frees the value
 * (bearer) or keeps both (secret). A crash or a lost answer is finished by
 * depositing the same entry again: the same key and record, one deposit.
 */
import { randomBytes } from 'node:crypto';
import { DepositHeader, type CertificateBody, type SignedRecord } from '@phonesafe/protocol';
import { b64url, checkCertificate, fromB64url, makeRecord } from '@phonesafe/protocol/node';
import type { ValueRow } from '../card/card.ts';
import { ownerAt, type SafeLink, type WalletDeps } from './safe-link.ts';
import { digestOf, parseValue, titleOf } from './wallet-values.ts';

export interface Deposited {
  value: number;
  certificate: number;
  safeId: string;
  serial: number;
  kept: boolean;
}

interface DepositJournal {
  depositKey: string;
  record: SignedRecord;
}

export async function depositValue(deps: WalletDeps, link: SafeLink, pointer: number, pin: string | undefined): Promise<Deposited> {
  const row = deps.card.value(pointer);
  const owner = pin === undefined ? null : await ownerAt(deps, link, pin);
  const pending = deps.journal.find('deposit', pointer);
  const request: DepositJournal =
    pending && pending.safe_id === link.safe.safe_id
      ? (JSON.parse(pending.request) as DepositJournal)
      : freshRecord(deps, link, row, owner);
  if (!pending || pending.safe_id !== link.safe.safe_id) {
    if (pending) deps.journal.done(pending.id);
    deps.journal.write({
      id: request.depositKey,
      kind: 'deposit',
      pointer,
      safe_id: link.safe.safe_id,
      request: JSON.stringify(request),
      stage: 'sent',
    });
  }
  const header = DepositHeader.parse(JSON.parse(fromB64url(request.record.header).toString('utf8')));
  const certificate = await link.client.deposit(request);
  let body: CertificateBody;
  try {
    body = checkCertificate(certificate, {
      safeSignPub: link.signPub,
      safeId: link.safe.safe_id,
      card: deps.card.keys,
      record: request.record,
      header,
    });
  } catch (error) {
    // Not a certificate of the pinned safe: nothing was registered there that this card can claim; the value stays.
    deps.journal.done(request.depositKey);
    throw error;
  }
  const kept = row.semantics === 'secret';
  const value = parseValue(row.bytes);
  const certPointer = deps.card.addCertificate(
    {
      safe_id: link.safe.safe_id,
      serial: body.serial,
      value_id: row.value_id,
      generation: row.generation,
      class: row.class,
      semantics: row.semantics,
      owner_ref: body.owner,
      valid_from: row.valid_from,
      valid_to: row.valid_to,
      cert_body: certificate.body,
      cert_sig: certificate.sig,
      title: `certificate: ${titleOf(value)} at ${link.safe.name}`,
    },
    kept ? [] : [pointer],
  );
  deps.journal.done(request.depositKey);
  return { value: pointer, certificate: certPointer, safeId: link.safe.safe_id, serial: body.serial, kept };
}

function freshRecord(deps: WalletDeps, link: SafeLink, row: ValueRow, owner: string | null): DepositJournal {
  const value = parseValue(row.bytes);
  const { record } = makeRecord(deps.card.keys, {
    audience: link.safe.safe_id,
    valueId: row.value_id,
    generation: row.generation,
    class: row.class,
    semantics: row.semantics,
    digest: digestOf(value),
    owner,
    at: deps.clock.now(),
    value: Buffer.from(row.bytes),
  });
  return { depositKey: b64url(randomBytes(18)), record };
}
