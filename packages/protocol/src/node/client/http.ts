import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { z } from 'zod';
import { isErrorCode, PhoneSafeError } from '../../errors.ts';
import { Problem } from '../../schemas/common.ts';

export interface HttpOptions {
  /** Center base URL, e.g. http://127.0.0.1:8780 */
  baseUrl: string;
  /** Bearer credential (owner token or handset credential). */
  bearer?: string;
  /** PEM of a CA to trust, for a center serving HTTPS with its own certificate. */
  ca?: string;
  /** Parallel connections to the center. */
  connections?: number;
  /** Who answers at baseUrl, in error messages: "the center" (default) or e.g. "the safe". */
  peer?: string;
  timeouts?: HttpTimeouts;
}

/**
 * How long the client waits before it gives up on a center; either ends the
 * request with a retryable NETWORK error (retried like a lost connection,
 * for idempotent methods only). Both are inactivity limits, not deadlines, so
 * a large transfer over a slow link that keeps moving is never cut.
 */
export interface HttpTimeouts {
  /** TCP connect (and TLS handshake) of a new connection. Default 30 s. */
  connectMs?: number;
  /** No byte sent or received on the connection while a request is under way. Default 120 s. */
  idleMs?: number;
}

export const DEFAULT_TIMEOUTS: Required<HttpTimeouts> = { connectMs: 30_000, idleMs: 120_000 };

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * Methods the wire protocol makes idempotent (a part PUT is keyed by its id).
 * A connection can fail before any answer, typically when the center closes
 * an idle keep-alive socket just as it is reused; such a request is sent
 * again after a short pause, up to three more times. POSTs are not repeated.
 */
const IDEMPOTENT: ReadonlySet<HttpMethod> = new Set(['GET', 'PUT', 'DELETE']);
const RETRY_DELAYS_MS = [50, 250, 1000];

export interface RawRequest {
  method: HttpMethod;
  path: string;
  json?: unknown;
  body?: Uint8Array;
  headers?: Record<string, string>;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * The one place that speaks HTTP to the center: keep-alive connections,
 * problem+json answers turned into PhoneSafeError, network failures into a
 * retryable NETWORK error, every JSON answer parsed with its schema.
 * Node's own http module, not undici: undici's WASM parser alone added
 * ~30 MiB to every handset and pc process.
 */
export class Http {
  readonly #base: URL;
  readonly #bearer: string | undefined;
  readonly #agent: HttpAgent;
  readonly #ownsAgent: boolean;
  readonly #timeouts: Required<HttpTimeouts>;
  readonly #peer: string;

  constructor(options: HttpOptions, agent?: HttpAgent) {
    this.#base = new URL(options.baseUrl);
    this.#peer = options.peer ?? 'the center';
    this.#bearer = options.bearer;
    this.#timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    this.#ownsAgent = !agent;
    const agentOptions = { keepAlive: true, maxSockets: options.connections ?? 8 };
    this.#agent =
      agent ?? (this.#base.protocol === 'https:' ? new HttpsAgent({ ...agentOptions, ca: options.ca }) : new HttpAgent(agentOptions));
  }

  get baseUrl(): string {
    return this.#base.toString().replace(/\/$/, '');
  }

  /** Same connections and timeouts, another credential. */
  withBearer(bearer: string): Http {
    return new Http({ baseUrl: this.baseUrl, bearer, timeouts: this.#timeouts, peer: this.#peer }, this.#agent);
  }

  async json<S extends z.ZodType>(schema: S, req: RawRequest): Promise<z.infer<S>> {
    const { body } = await this.raw(req);
    const text = body.toString('utf8');
    let value: unknown;
    try {
      value = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw new PhoneSafeError('BAD_REQUEST', `${this.#peer}'s answer to ${req.method} ${req.path} is not JSON`);
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success)
      throw new PhoneSafeError(
        'BAD_REQUEST',
        `unexpected answer from ${this.#peer} for ${req.method} ${req.path}: ${parsed.error.message}`,
      );
    return parsed.data;
  }

  async raw(req: RawRequest): Promise<RawResponse> {
    const headers: Record<string, string | number> = { ...req.headers };
    if (this.#bearer) headers.authorization = `Bearer ${this.#bearer}`;
    let payload: Uint8Array | undefined = req.body;
    if (req.json !== undefined) {
      headers['content-type'] = 'application/json';
      payload = Buffer.from(JSON.stringify(req.json));
    } else if (req.body) {
      headers['content-type'] = 'application/octet-stream';
    }
    if (payload) headers['content-length'] = payload.length;
    const res = await this.#sendWithRetries(req, headers, payload);
    if (res.status >= 400) throw problemOf(res, this.#peer);
    return res;
  }

  async #sendWithRetries(req: RawRequest, headers: Record<string, string | number>, payload: Uint8Array | undefined): Promise<RawResponse> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#send(req, headers, payload);
      } catch (cause) {
        const delay = IDEMPOTENT.has(req.method) ? RETRY_DELAYS_MS[attempt] : undefined;
        if (delay === undefined) {
          throw new PhoneSafeError('NETWORK', `cannot reach ${this.#peer} at ${this.baseUrl}: ${(cause as Error).message}`, {}, { cause });
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  #send(req: RawRequest, headers: Record<string, string | number>, payload: Uint8Array | undefined): Promise<RawResponse> {
    const url = new URL(req.path, this.#base);
    const secure = url.protocol === 'https:';
    const send = secure ? httpsRequest : httpRequest;
    const { connectMs, idleMs } = this.#timeouts;
    return new Promise((resolve, reject) => {
      // `timeout` is the socket's inactivity limit for as long as this request holds it.
      const outgoing = send(url, { method: req.method, headers, agent: this.#agent, timeout: idleMs }, (incoming) => {
        const pieces: Buffer[] = [];
        incoming.on('data', (piece: Buffer) => pieces.push(piece));
        incoming.on('error', reject);
        // A response cut short (the request destroyed by a timeout) closes without 'end'.
        incoming.on('close', () => incoming.complete || reject(new Error('the connection closed before the answer was complete')));
        incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: Buffer.concat(pieces) }));
      });
      outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer for ${seconds(idleMs)} s`)));
      outgoing.on('socket', (socket) => {
        // A kept-alive socket is connected already; a new one gets connectMs to connect (and shake hands).
        if (!socket.connecting) return;
        const timer = setTimeout(() => outgoing.destroy(new Error(`could not connect within ${seconds(connectMs)} s`)), connectMs);
        socket.once(secure ? 'secureConnect' : 'connect', () => clearTimeout(timer));
        socket.once('close', () => clearTimeout(timer));
      });
      outgoing.on('error', reject);
      outgoing.end(payload);
    });
  }

  async close(): Promise<void> {
    if (this.#ownsAgent) this.#agent.destroy();
  }
}

function seconds(ms: number): string {
  return String(ms / 1000);
}

function problemOf(res: RawResponse, peer: string): PhoneSafeError {
  const text = res.body.toString('utf8');
  let problem: Problem | undefined;
  try {
    const parsed = Problem.safeParse(JSON.parse(text));
    if (parsed.success) problem = parsed.data;
  } catch {
    // Not JSON: fall through to a generic error carrying the status.
  }
  if (problem && isErrorCode(problem.code)) return new PhoneSafeError(problem.code, problem.detail ?? problem.title, problem.extra ?? {});
  const code = res.status >= 500 ? 'INTERNAL' : 'BAD_REQUEST';
  return new PhoneSafeError(code, `${peer} answered ${res.status}: ${text.slice(0, 200)}`);
}
