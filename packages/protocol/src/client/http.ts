import { Agent, request, type Dispatcher } from 'undici';
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

export interface RawRequest {
  method: Dispatcher.HttpMethod;
  path: string;
  json?: unknown;
  body?: Uint8Array;
  headers?: Record<string, string>;
}

/**
 * The one place that speaks HTTP to the center: keep-alive connections,
 * problem+json answers turned into PhoneSafeError, network failures into a
 * retryable NETWORK error, every JSON answer parsed with its schema.
 */
export class Http {
  readonly #base: URL;
  readonly #bearer: string | undefined;
  readonly #agent: Agent;
  readonly #ownsAgent: boolean;

  constructor(options: HttpOptions, agent?: Agent) {
    this.#base = new URL(options.baseUrl);
    this.#bearer = options.bearer;
    this.#ownsAgent = !agent;
    this.#agent = agent ?? new Agent({
      connections: options.connections ?? 8,
      keepAliveTimeout: 10_000,
      connect: options.ca ? { ca: options.ca } : {},
    });
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
    const text = await body.text();
    const parsed = schema.safeParse(text === '' ? undefined : JSON.parse(text));
    if (!parsed.success) throw new PhoneSafeError('BAD_REQUEST', `unexpected answer from the center for ${req.method} ${req.path}: ${parsed.error.message}`);
    return parsed.data;
  }

  async bytes(req: RawRequest): Promise<{ bytes: Buffer; headers: Record<string, string | string[] | undefined> }> {
    const { body, headers } = await this.raw(req);
    return { bytes: Buffer.from(await body.arrayBuffer()), headers };
  }

  async raw(req: RawRequest): Promise<Dispatcher.ResponseData> {
    const headers: Record<string, string> = { ...req.headers };
    if (this.#bearer) headers.authorization = `Bearer ${this.#bearer}`;
    let payload: string | Uint8Array | undefined = req.body;
    if (req.json !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(req.json);
    } else if (req.body) {
      headers['content-type'] = 'application/octet-stream';
    }
    let res: Dispatcher.ResponseData;
    try {
      res = await request(new URL(req.path, this.#base), { method: req.method, headers, body: payload, dispatcher: this.#agent });
    } catch (cause) {
      throw new PhoneSafeError('NETWORK', `cannot reach the center at ${this.baseUrl}: ${(cause as Error).message}`, {}, { cause });
    }
    if (res.statusCode >= 400) throw await problemOf(res);
    return res;
  }

  async close(): Promise<void> {
    if (this.#ownsAgent) await this.#agent.close();
  }
}

async function problemOf(res: Dispatcher.ResponseData): Promise<PhoneSafeError> {
  const text = await res.body.text();
  let problem: Problem | undefined;
  try {
    const parsed = Problem.safeParse(JSON.parse(text));
    if (parsed.success) problem = parsed.data;
  } catch {
    // Not JSON: fall through to a generic error carrying the status.
  }
  if (problem && isErrorCode(problem.code)) return new PhoneSafeError(problem.code, problem.detail ?? problem.title, problem.extra ?? {});
  const code = res.statusCode >= 500 ? 'INTERNAL' : 'BAD_REQUEST';
  return new PhoneSafeError(code, `the center answered ${res.statusCode}: ${text.slice(0, 200)}`);
}
