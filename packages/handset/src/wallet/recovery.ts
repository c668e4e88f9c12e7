/**
 * Recovery (V3, C26; docs/design/safes.md "Release: two phases"): the card
 * journals a release id, presents the certificate (and a PIN proof when the
 * value was registered with owner authentication), checks the released
 * record — its own signature, the certificate's hashes, the decryption, the
 * generation high-water mark — stores the value and drops the certificate
 * (bearer) in one card transaction, then confirms. A crash anywhere is
 * finished by recovering again with the same release id.
 */
import { randomBytes } from 'node:crypto';
import { CertificateBody, PhoneSafeError, type Certificate } from '@phonesafe/protocol';
import { b64url, fromB64url, openRecord, SafeClient } from '@phonesafe/protocol/node';
import type { CertificateRow } from '../card/card.ts';
import { proofFor, type SafeLink, type WalletDeps } from './safe-link.ts';
import { COUPLED_CLASS, decouple, type Decoupled } from './coupling.ts';
import { parseValue, titleOf } from './wallet-values.ts';

export interface Recovered {
  certificate: number;
  /** The value's entry on the card (null when the card already held this generation, a secret copy). */
  value: number | null;
  state: string;
}

interface ReleaseJournal {
  releaseId: string;
  certificate: Certificate;
}

export async function recoverValue(deps: WalletDeps, link: SafeLink, pointer: number, pin: string | undefined): Promise<Recovered> {
  const cert = deps.card.certificate(pointer);
  const certificate: Certificate = { body: cert.cert_body, sig: cert.cert_sig };
  const body = CertificateBody.parse(JSON.parse(fromB64url(cert.cert_body).toString('utf8')));
  const pending = deps.journal.find('release', pointer);
  const releaseId = pending ? (JSON.parse(pending.request) as ReleaseJournal).releaseId : b64url(randomBytes(18));
  if (!pending) {
    const request: ReleaseJournal = { releaseId, certificate };
    deps.journal.write({
      id: releaseId,
      kind: 'release',
      pointer,
      safe_id: cert.safe_id,
      request: JSON.stringify(request),
      stage: 'asked',
    });
  }
  const nonce = SafeClient.nonce();
  if (cert.owner_ref !== null && pin === undefined)
    throw new PhoneSafeError('USAGE', 'this value was registered with owner authentication: give the wallet PIN');
  const proof = cert.owner_ref === null || pin === undefined ? undefined : await proofFor(deps, link, pin, nonce);
  const record = await link.client.release({ certificate, releaseId, ...(proof ? { proof } : {}) }, nonce);
  let stored: number | null;
  try {
    stored = store(deps, cert, openRecord(deps.card.keys, record, body).value);
  } catch (error) {
    // The card refuses what it was given (damaged, stale, no room): the deposit goes back, the certificate stays.
    await link.client.abort({ certificate, releaseId }).catch(() => undefined);
    deps.journal.done(releaseId);
    throw error;
  }
  deps.journal.stage(releaseId, 'stored');
  const state = await link.client.confirm({ certificate, releaseId });
  deps.journal.done(releaseId);
  return { certificate: pointer, value: stored, state };
}

/** One card transaction: the value (or the decoupled values) in, the bearer certificate out; the first new entry, or null. */
function store(deps: WalletDeps, cert: CertificateRow, bytes: Buffer): number | null {
  const members: Decoupled[] =
    cert.class === COUPLED_CLASS
      ? decouple(deps.card.keys, bytes)
      : [{ valueId: cert.value_id, generation: cert.generation, class: cert.class, semantics: cert.semantics, bytes }];
  const freeing = cert.semantics === 'bearer' ? [cert.pointer] : [];
  const incoming = [];
  for (const m of members) {
    const value = parseValue(m.bytes);
    const held = deps.card.valueById(m.valueId);
    if (held && held.generation > m.generation)
      throw new PhoneSafeError('SAFE_STALE_GENERATION', 'the card holds a newer generation of this value');
    if (held && held.generation === m.generation) continue;
    if (held) freeing.push(held.pointer);
    incoming.push({
      value_id: m.valueId,
      generation: m.generation,
      class: value.class,
      semantics: m.semantics,
      valid_from: value.validFrom ?? null,
      valid_to: value.validTo ?? null,
      bytes: m.bytes,
      title: titleOf(value),
    });
  }
  if (incoming.length === 0 && freeing.length === 0) return null;
  return deps.card.addValues(incoming, freeing)[0] ?? null;
}

/** Confirms the releases whose value the card stored before it was stopped; returns how many. */
export async function finishReleases(deps: WalletDeps, linkFor: (safeId: string) => Promise<SafeLink>): Promise<number> {
  let finished = 0;
  for (const row of deps.journal.pending('release')) {
    if (row.stage !== 'stored') continue;
    const { releaseId, certificate } = JSON.parse(row.request) as ReleaseJournal;
    await (await linkFor(row.safe_id)).client.confirm({ certificate, releaseId });
    deps.journal.done(row.id);
    finished++;
  }
  return finished;
}
