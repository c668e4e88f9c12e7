/**
 * A scripted center for client tests: a real HTTP server on loopback with the
 * live channel's WebSocket at /v1/channel, speaking raw JSON (no schemas, so
 * a test can send what a real center would refuse to). A test scripts the
 * routes it needs; a request no route takes is forwarded to `forwardTo` (a
 * real center behind this one) or answered 404 NOT_FOUND. With `credential`
 * set, the upgrade is refused 401 unless it carries `Bearer <credential>`,
 * as the center checks it.
 */
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface ScriptedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** The request body; a route may replace it before answering 'forward'. */
  body: Buffer;
  /** The route's path match (groups of a RegExp path). */
  match: RegExpExecArray;
}

/** A route answers on `res` itself, or returns 'forward' to pass the request on (to `forwardTo`, else 404). */
export type Route = (req: ScriptedRequest, res: ServerResponse) => 'forward' | void | Promise<'forward' | void>;

export class ScriptedCenter {
  readonly url: string;
  /** Every HTTP request seen, as "METHOD /path", oldest first. */
  readonly requests: string[] = [];
  /** Channel upgrade requests, with the Authorization header each carried. */
  readonly upgrades: Array<string | undefined> = [];
  #credential: string | undefined;
  readonly #forwardTo: URL | undefined;
  readonly #routes: Array<{ method: string; path: RegExp; route: Route }> = [];
  readonly #server: Server;
  readonly #wss: WebSocketServer;
  readonly #sockets: WebSocket[] = [];
  readonly #frames = new Map<WebSocket, string[]>();
  readonly #waiters: Array<() => void> = [];

  private constructor(server: Server, options: { credential?: string; forwardTo?: string }) {
    this.#server = server;
    this.#credential = options.credential;
    this.#forwardTo = options.forwardTo === undefined ? undefined : new URL(options.forwardTo);
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    this.#wss = new WebSocketServer({
      server,
      path: '/v1/channel',
      verifyClient: (info, done) => {
        this.upgrades.push(info.req.headers.authorization);
        if (this.#credential === undefined || info.req.headers.authorization === `Bearer ${this.#credential}`) done(true);
        else done(false, 401, 'Unauthorized');
      },
    });
    this.#wss.on('connection', (socket) => {
      this.#sockets.push(socket);
      this.#frames.set(socket, []);
      socket.on('message', (data) => {
        this.#frames.get(socket)!.push(data.toString());
        this.wake();
      });
      this.wake();
    });
  }

  static async start(options: { credential?: string; forwardTo?: string } = {}): Promise<ScriptedCenter> {
    let center: ScriptedCenter | undefined;
    const server = createServer((req, res) => void center!.#http(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    center = new ScriptedCenter(server, options);
    return center;
  }

  /** Scripts `METHOD path` (a string matches the whole path); the first matching route answers. */
  route(method: string, path: string | RegExp, route: Route): this {
    const pattern = typeof path === 'string' ? new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : path;
    this.#routes.push({ method, path: pattern, route });
    return this;
  }

  /** From now on the upgrade is refused (a revoked credential) or accepted again. */
  acceptCredential(credential: string): void {
    this.#credential = credential;
  }

  /** The n-th channel connection (1-based) once it is open. */
  async connection(n: number): Promise<WebSocket> {
    await this.until(() => this.#sockets.length >= n);
    return this.#sockets[n - 1]!;
  }

  send(socket: WebSocket, message: object): void {
    socket.send(JSON.stringify(message));
  }

  /** The next frame the client sent on `socket`, parsed. */
  async nextFrame(socket: WebSocket): Promise<unknown> {
    const frames = this.#frames.get(socket)!;
    await this.until(() => frames.length > 0);
    return JSON.parse(frames.shift()!);
  }

  framesOn(socket: WebSocket): readonly string[] {
    return this.#frames.get(socket)!;
  }

  /** Drops every open channel connection (the client reconnects with backoff). */
  dropConnections(): void {
    for (const socket of this.#sockets) socket.terminate();
  }

  /** Resolves once `condition` holds; checked again at every frame, connection and `wake()`. */
  async until(condition: () => boolean): Promise<void> {
    while (!condition()) await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  /** Re-checks every `until` (a script calls it when its own state changed). */
  wake(): void {
    for (const wake of this.#waiters.splice(0)) wake();
  }

  async close(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #http(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    this.requests.push(`${method} ${url}`);
    const pieces: Buffer[] = [];
    for await (const piece of req) pieces.push(piece as Buffer);
    const scripted: Omit<ScriptedRequest, 'match'> = { method, url, headers: req.headers, body: Buffer.concat(pieces) };
    for (const { method: m, path, route } of this.#routes) {
      const match = m === method ? path.exec(url) : null;
      if (!match) continue;
      const request = { ...scripted, match };
      if ((await route(request, res)) !== 'forward') return;
      scripted.body = request.body;
      break;
    }
    if (this.#forwardTo) return this.#forward(scripted, res);
    answerProblem(res, 404, 'NOT_FOUND', undefined, 'No such resource');
  }

  #forward(req: Omit<ScriptedRequest, 'match'>, res: ServerResponse): void {
    const { 'transfer-encoding': _chunked, ...rest } = req.headers;
    const headers = { ...rest, host: this.#forwardTo!.host, 'content-length': String(req.body.length) };
    const out = request(new URL(req.url, this.#forwardTo), { method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    out.on('error', () => res.writeHead(502).end());
    out.end(req.body);
  }
}

export function answerJson(res: ServerResponse, status: number, value: unknown, type = 'application/json'): void {
  res.writeHead(status, { 'content-type': type });
  res.end(JSON.stringify(value));
}

/** A problem+json answer as the center gives it (`detail` left out when undefined). */
export function answerProblem(res: ServerResponse, status: number, code: string, detail?: string, title = code): void {
  answerJson(
    res,
    status,
    { type: 'about:blank', title, status, code, ...(detail === undefined ? {} : { detail }) },
    'application/problem+json',
  );
}
