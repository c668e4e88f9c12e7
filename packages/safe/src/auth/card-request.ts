/**
 * Signed card requests (V11, docs/design/safes.md): the card's key, a time
 * within ±300 s of the safe's clock and a nonce come as headers (checked in
 * onRequest, before any body is read); the signature over method, path, the
 * raw body's hash, the safe's id, the time and the nonce is checked once the
 * body is in, and the nonce is remembered for 600 s so a replay is refused.
 */
import { PhoneSafeError, type Clock } from '@phonesafe/protocol';
import { CARD_HEADERS, CARD_REQUEST_DOMAIN, cardIdOf, cardRequestBytes, fromB64url, verifyUnder } from '@phonesafe/protocol/node';
import { tablesOf, type Engine } from '@phonesafe/server-kit';
import type { FastifyRequest } from 'fastify';

const WINDOW_MS = 300_000;
const NONCE_TTL_MS = 600_000;

export interface CardCaller {
  id: string;
  signPub: Buffer;
  nonce: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The body's bytes as they arrived (what the card signed). */
    rawBody?: Buffer;
    /** The card that signed this request, once checked. */
    card?: CardCaller;
  }
}

interface NonceTables {
  nonces: { nonce: string; expires_at: string };
}

function header(request: FastifyRequest, name: string): string {
  const value = request.headers[name];
  if (typeof value !== 'string' || value.length === 0 || value.length > 200) {
    throw new PhoneSafeError('SAFE_REQUEST_INVALID', `the request lacks the ${name} header`);
  }
  return value;
}

/** onRequest: the headers are there and the time is within the window. */
export function checkCardHeaders(request: FastifyRequest, clock: Clock): void {
  const at = Date.parse(header(request, CARD_HEADERS.at));
  if (!Number.isFinite(at) || Math.abs(at - clock.now().getTime()) > WINDOW_MS) {
    throw new PhoneSafeError('SAFE_REQUEST_INVALID', 'the request time is more than 300 s away from the safe’s clock');
  }
  for (const name of [CARD_HEADERS.key, CARD_HEADERS.nonce, CARD_HEADERS.sig]) header(request, name);
}

/** preValidation: the signature over the raw body, then the nonce (once only). */
export async function verifyCardRequest(request: FastifyRequest, deps: { engine: Engine; clock: Clock; safeId: string }): Promise<void> {
  const signPub = fromB64url(header(request, CARD_HEADERS.key));
  const nonce = header(request, CARD_HEADERS.nonce);
  const at = header(request, CARD_HEADERS.at);
  const bytes = cardRequestBytes({
    method: request.method,
    path: request.url,
    body: request.rawBody ?? Buffer.alloc(0),
    audience: deps.safeId,
    at,
    nonce,
  });
  if (nonce.length < 16 || !verifyUnder(signPub, CARD_REQUEST_DOMAIN, bytes, fromB64url(header(request, CARD_HEADERS.sig)))) {
    throw new PhoneSafeError('SAFE_REQUEST_INVALID', 'the card signature over the request does not verify');
  }
  const db = tablesOf<NonceTables>(deps.engine);
  const now = deps.clock.now().getTime();
  await db.deleteFrom('nonces').where('expires_at', '<', new Date(now).toISOString()).execute();
  try {
    await db
      .insertInto('nonces')
      .values({ nonce, expires_at: new Date(now + NONCE_TTL_MS).toISOString() })
      .execute();
  } catch (error) {
    if (deps.engine.isUniqueViolation(error)) throw new PhoneSafeError('SAFE_REQUEST_REPLAYED');
    throw error;
  }
  request.card = { id: cardIdOf(signPub), signPub, nonce };
}
