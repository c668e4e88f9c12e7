/**
 * The certificate (docs/design/safes.md): a JSON body the safe signs, and the
 * FIG 4 lookup of the deposit a presented certificate names: by counter, then
 * by hash, then by an exact match of the stored certificate bytes.
 */
import { timingSafeEqual } from 'node:crypto';
import { CertificateBody, PhoneSafeError, type Certificate } from '@phonesafe/protocol';
import { b64url, fromB64url, SAFE_CERTIFICATE_DOMAIN, signUnder, verifyUnder, type SigningKey } from '@phonesafe/protocol/node';
import type { DepositRepo, DepositRow } from './deposit-queries.ts';

export function signCertificate(key: SigningKey, body: CertificateBody): Certificate {
  const bytes = Buffer.from(JSON.stringify(body), 'utf8');
  return { body: b64url(bytes), sig: b64url(signUnder(key, SAFE_CERTIFICATE_DOMAIN, bytes)) };
}

/** The body of a certificate this safe signed; SAFE_CERTIFICATE_INVALID for any other (forged, altered, another safe's). */
export function ownCertificate(signPub: Buffer, safeId: string, certificate: Certificate): CertificateBody {
  const bytes = fromB64url(certificate.body);
  if (!verifyUnder(signPub, SAFE_CERTIFICATE_DOMAIN, bytes, fromB64url(certificate.sig))) {
    throw new PhoneSafeError('SAFE_CERTIFICATE_INVALID', 'the certificate does not carry this safe’s signature');
  }
  const body = CertificateBody.safeParse(parseJson(bytes));
  if (!body.success || body.data.safe.id !== safeId) throw new PhoneSafeError('SAFE_CERTIFICATE_INVALID', 'not a certificate of this safe');
  return body.data;
}

/** FIG 4: counter → hash → the row whose stored certificate is byte-for-byte the presented one. */
export async function locate(
  repo: Pick<DepositRepo, 'bySerialAndHash'>,
  body: CertificateBody,
  certificate: Certificate,
): Promise<DepositRow> {
  const candidates = await repo.bySerialAndHash(body.serial, body.hash);
  const row = candidates.find((r) => sameText(r.cert_body, certificate.body) && sameText(r.cert_sig, certificate.sig));
  if (!row) throw new PhoneSafeError('SAFE_CERTIFICATE_MISMATCH', `no deposit with serial ${body.serial} matches this certificate`);
  return row;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}
