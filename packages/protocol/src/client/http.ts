import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { z } from 'zod';
import { isErrorCode, PhoneSafeError } from '../errors.ts';
import { Problem } from '../schemas/common.ts';

export interface HttpOptions {
  /** Center base URL, e.g. http://127.0.0.1:8780 */
  baseUrl: string;
  /** Bearer credential (owner token or handset credential). */
  bearer?: string;
  /** PEM of a CA to trust, for a center serving HTTPS with its own certificate. */
  ca?: string;
  /** Parallel connections to the center. */
  connections?: number;
}

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

  constructor(options: HttpOptions, agent?: HttpAgent) {
    this.#base = new URL(options.baseUrl);
    this.#bearer = options.bearer;
    this.#ownsAgent = !agent;
    const agentOptions = { keepAlive: true, maxSockets: options.connections ?? 8 };
    this.#agent = agent ?? (this.#base.protocol === 'https:' ? new HttpsAgent({ ...agentOptions, ca: options.ca }) : new HttpAgent(agentOptions));
  }

  get baseUrl(): string {
    return this.#base.toString().replace(/\/$/, '');
  }

  /** Same connections, another credential. */
  withBearer(bearer: string): Http {
    return new Http({ baseUrl: this.baseUrl, bearer }, this.#agent);
  }

  async json<S extends z.ZodType>(schema: S, req: RawRequest): Promise<z.infer<S>> {
    const { body } = await this.raw(req);
    const text = body.toString('utf8');
    let value: unknown;
    try {
      value = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw new PhoneSafeError('BAD_REQUEST', `the center's answer to ${req.method} ${req.path} is not JSON`);
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new PhoneSafeError('BAD_REQUEST', `unexpected answer from the center for ${req.method} ${req.path}: ${parsed.error.message}`);
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
    if (res.status >= 400) throw problemOf(res);
    return res;
  }

  async #sendWithRetries(req: RawRequest, headers: Record<string, string | number>, payload: Uint8Array | undefined): Promise<RawResponse> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#send(req, headers, payload);
      } catch (cause) {
        const delay = IDEMPOTENT.has(req.method) ? RETRY_DELAYS_MS[attempt] : undefined;
        if (delay === undefined) {
          throw new PhoneSafeError('NETWORK', `cannot reach the center at ${this.baseUrl}: ${(cause as Error).message}`, {}, { cause });
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  #send(req: RawRequest, headers: Record<string, string | number>, payload: Uint8Array | undefined): Promise<RawResponse> {
    const url = new URL(req.path, this.#base);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const outgoing = send(url, { method: req.method, headers, agent: this.#agent }, (incoming) => {
        const pieces: Buffer[] = [];
        incoming.on('data', (piece: Buffer) => pieces.push(piece));
        incoming.on('error', reject);
        incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: Buffer.concat(pieces) }));
      });
      outgoing.on('error', reject);
      outgoing.end(payload);
    });
  }

  async close(): Promise<void> {
    if (this.#ownsAgent) this.#agent.destroy();
  }
}

function problemOf(res: RawResponse): PhoneSafeError {
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
  return new PhoneSafeError(code, `the center answered ${res.status}: ${text.slice(0, 200)}`);
}
