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
import { CertificateBody, PhoneSafeError, type Certificate, type DeviceAnswer } from '@phonesafe/protocol';
import { b64url, deviceIdOf, fromB64url, openRecord, SafeClient } from '@phonesafe/protocol/node';
import type { CertificateRow } from '../card/card.ts';
import { proofFor, type SafeLink, type WalletDeps } from './safe-link.ts';
import { COUPLED_CLASS, decouple, type Decoupled } from './coupling.ts';
import { parseValue, titleOf } from './wallet-values.ts';

export interface Recovered {
  certificate: number;
  /** The value's entry on the card (null when the card already held this generation, a secret copy). */
  value: number | null;
  state: string;
  /** For a divided value: the certificates of all its pieces (all recovered together). */
  pieces?: number[];
}

export type LinkFor = (safeId: string) => Promise<SafeLink>;

interface ReleaseJournal {
  releaseId: string;
  certificate: Certificate;
}

/** One certificate's release in flight: its journaled id and the opened record's plain bytes. */
export interface Released {
  cert: CertificateRow;
  certificate: Certificate;
  releaseId: string;
  bytes: Buffer;
}

export async function recoverValue(deps: WalletDeps, link: SafeLink, pointer: number, pin: string | undefined): Promise<Recovered> {
  const cert = deps.card.certificate(pointer);
  const released = await releaseOne(deps, link, cert, pin);
  const members: Decoupled[] =
    cert.class === COUPLED_CLASS
      ? decouple(deps.card.keys, released.bytes)
      : [{ valueId: cert.value_id, generation: cert.generation, class: cert.class, semantics: cert.semantics, bytes: released.bytes }];
  const stored = await storeOrAbandon(deps, async () => link, [released], members);
  const [state] = await confirmAll(deps, async () => link, [released]);
  return { certificate: pointer, value: stored, state: state! };
}

/**
 * Phase one for one certificate: the release id is journaled before the safe is asked (and reused after a
 * crash or a lost answer, so the safe answers the same record again), then the record is checked and opened.
 * A record the card refuses is aborted at the safe (the deposit goes back, the certificate stays).
 */
export async function releaseOne(deps: WalletDeps, link: SafeLink, cert: CertificateRow, pin: string | undefined): Promise<Released> {
  const certificate: Certificate = { body: cert.cert_body, sig: cert.cert_sig };
  const body = CertificateBody.parse(JSON.parse(fromB64url(cert.cert_body).toString('utf8')));
  const pending = deps.journal.find('release', cert.pointer);
  const releaseId = pending ? (JSON.parse(pending.request) as ReleaseJournal).releaseId : b64url(randomBytes(18));
  if (!pending) {
    const request: ReleaseJournal = { releaseId, certificate };
    deps.journal.write({
      id: releaseId,
      kind: 'release',
      pointer: cert.pointer,
      safe_id: cert.safe_id,
      request: JSON.stringify(request),
      stage: 'asked',
    });
  }
  const nonce = SafeClient.nonce();
  if (cert.owner_ref !== null && pin === undefined)
    throw new PhoneSafeError('USAGE', 'this value was registered with owner authentication: give the wallet PIN');
  const proof = cert.owner_ref === null || pin === undefined ? undefined : await proofFor(deps, link, pin, nonce);
  const device = await deviceAnswer(deps, link, cert, certificate);
  const record = await link.client
    .release({ certificate, releaseId, ...(proof ? { proof } : {}), ...(device ? { device } : {}) }, nonce)
    .catch((error: unknown) => {
      throw cert.device !== null && deps.device === undefined ? withDeviceHint(error) : error;
    });
  try {
    return { cert, certificate, releaseId, bytes: openRecord(deps.card.keys, record, body).value };
  } catch (error) {
    await abandon(deps, async () => link, [{ cert, certificate, releaseId, bytes: Buffer.alloc(0) }]);
    throw error;
  }
}

/**
 * V12: for a certificate registered with an authentication device, the safe's fresh challenge and the given
 * device's answer. A device that was never shown this safe pins the card's pinned key first (the first time
 * only; another key later is SAFE_KEY_MISMATCH); it answers only a challenge signed by the key it pinned, so a
 * rogue safe gets nothing signed. Another device than the registered one is refused here, before the safe is
 * asked (the device would not sign a challenge naming another device). Without a device the release goes without
 * an answer: the safe refuses it and counts it against the deposit's limit.
 */
async function deviceAnswer(
  deps: WalletDeps,
  link: SafeLink,
  cert: CertificateRow,
  certificate: Certificate,
): Promise<DeviceAnswer | undefined> {
  if (cert.device === null || deps.device === undefined) return undefined;
  if (deps.device.view().publicKey !== cert.device) {
    const registered = deviceIdOf(fromB64url(cert.device));
    throw new PhoneSafeError(
      'SAFE_DEVICE_MISMATCH',
      `this value was deposited with the authentication device ${registered}, not this one; nothing was sent`,
    );
  }
  await deps.device.pinSafe(cert.safe_id, link.safe.sign_pub);
  const challenge = await link.client.challenge(certificate);
  return { challenge, answer: deps.device.answer(cert.safe_id, challenge) };
}

/** The safe's refusal of a release without a device answer, with what to do about it. */
function withDeviceHint(error: unknown): unknown {
  if (!(error instanceof PhoneSafeError) || error.code !== 'SAFE_DEVICE_MISMATCH') return error;
  return new PhoneSafeError(
    'SAFE_DEVICE_MISMATCH',
    `${error.detail} (this value was deposited with an authentication device: give it with --authdev DIR)`,
    {
      ...error.extra,
    },
  );
}

/** Gives releases back: each deposit returns to the safe's keeping, its certificate stays on the card. */
export async function abandon(deps: WalletDeps, linkFor: LinkFor, released: readonly Released[]): Promise<void> {
  for (const r of released) {
    await (await linkFor(r.cert.safe_id)).client.abort({ certificate: r.certificate, releaseId: r.releaseId }).catch(() => undefined);
    deps.journal.done(r.releaseId);
  }
}

/** Stores what the releases gave (one card transaction) and marks them stored; on a refusal they are abandoned. */
export async function storeOrAbandon(
  deps: WalletDeps,
  linkFor: LinkFor,
  released: readonly Released[],
  members: Decoupled[],
): Promise<number | null> {
  try {
    // The journal's 'stored' marks join the value's transaction: a crash leaves either nothing stored or all marked.
    return deps.card.db.transaction(() => {
      const stored = store(
        deps,
        released.map((r) => r.cert),
        members,
      );
      for (const r of released) deps.journal.stage(r.releaseId, 'stored');
      return stored;
    });
  } catch (error) {
    // The card refuses what it was given (damaged, stale, no room): the deposits go back, the certificates stay.
    await abandon(deps, linkFor, released);
    throw error;
  }
}

/** Phase two: the safes drop (bearer) or keep (secret) their copies; the journal is cleared. Returns each state. */
export async function confirmAll(deps: WalletDeps, linkFor: LinkFor, released: readonly Released[]): Promise<string[]> {
  const states: string[] = [];
  for (const r of released) {
    states.push(await (await linkFor(r.cert.safe_id)).client.confirm({ certificate: r.certificate, releaseId: r.releaseId }));
    deps.journal.done(r.releaseId);
  }
  return states;
}

/** One card transaction: the values in, the bearer certificates out; the first new entry, or null. */
function store(deps: WalletDeps, certs: readonly CertificateRow[], members: readonly Decoupled[]): number | null {
  const freeing = certs.filter((c) => c.semantics === 'bearer').map((c) => c.pointer);
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
export async function finishReleases(deps: WalletDeps, linkFor: LinkFor): Promise<number> {
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
