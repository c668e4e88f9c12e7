import { randomUUID } from 'node:crypto';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * The center as a rescue test needs it: a real center behind a small HTTP
 * proxy that adds the rescue desk's side of the live channel. The handset
 * enrolls through the proxy, so its channel comes here: the test sends
 * `rescue-save` / `rescue-erase` itself, and every backup, part and restore
 * call goes to the real center.
 *
 * The center's rescue bookkeeping is not under test here: the proxy records
 * each backup start and `POST /v1/rescue/:id/erased`, forwards a rescue
 * save's start as a manual backup (the center would refuse a rescue it does
 * not know, and a rescue trigger without one) and answers the erase report
 * itself. `failPartsAfter` breaks a transfer.
 */
export class RescuePeer {
  readonly url: string;
  readonly backupStarts: Array<Record<string, unknown>> = [];
  readonly erasedReports: Array<{ rescueId: string; body: unknown; authorization: string | undefined }> = [];
  /** Every HTTP request seen, as "METHOD /path", oldest first. */
  readonly requests: string[] = [];
  /** Part uploads (single parts or batches) answered with 503 after this many more succeed; undefined: none fail. */
  failPartsAfter: number | undefined;
  /** This many more erase reports are answered 503 (recorded all the same): the report did not arrive. */
  failErasedReports = 0;
  readonly #center: URL;
  readonly #server: Server;
  readonly #wss: WebSocketServer;
  readonly #sockets: WebSocket[] = [];
  readonly #waiters: Array<() => void> = [];

  private constructor(server: Server, center: string) {
    this.#server = server;
    this.#center = new URL(center);
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    this.#wss = new WebSocketServer({ server, path: '/v1/channel' });
    this.#wss.on('connection', (socket) => {
      this.#sockets.push(socket);
      this.#wake();
    });
  }

  static async start(center: string): Promise<RescuePeer> {
    let peer: RescuePeer | undefined;
    const server = createServer((req, res) => void peer!.#http(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    peer = new RescuePeer(server, center);
    return peer;
  }

  /** The n-th channel connection (1-based) once it is open. */
  async connection(n: number): Promise<WebSocket> {
    await this.#until(() => this.#sockets.length >= n);
    return this.#sockets[n - 1]!;
  }

  sendSave(socket: WebSocket, rescueId: string): void {
    socket.send(JSON.stringify({ type: 'rescue-save', requestId: `req-${randomUUID()}`, rescueId }));
  }

  sendErase(socket: WebSocket, rescueId: string, backupId: string): void {
    socket.send(JSON.stringify({ type: 'rescue-erase', requestId: `req-${randomUUID()}`, rescueId, backupId }));
  }

  /** Drops every open channel connection (the handset reconnects with backoff). */
  dropConnections(): void {
    for (const socket of this.#sockets) socket.terminate();
  }

  async close(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #http(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.requests.push(`${req.method} ${req.url}`);
    const pieces: Buffer[] = [];
    for await (const piece of req) pieces.push(piece as Buffer);
    let body = Buffer.concat(pieces);
    const erased = /^\/v1\/rescue\/([^/]+)\/erased$/.exec(req.url ?? '');
    if (req.method === 'POST' && erased) {
      this.erasedReports.push({
        rescueId: decodeURIComponent(erased[1]!),
        body: JSON.parse(body.toString()),
        authorization: req.headers.authorization,
      });
      if (this.failErasedReports-- > 0) return unavailable(res);
      res.writeHead(204).end();
      return;
    }
    if (req.method === 'POST' && req.url === '/v1/backups') {
      const start = JSON.parse(body.toString()) as Record<string, unknown>;
      this.backupStarts.push(start);
      const { rescueId: _recorded, ...forwarded } = start;
      body = Buffer.from(JSON.stringify(start.trigger === 'rescue' ? { ...forwarded, trigger: 'manual' } : forwarded));
    }
    const partUpload = req.method === 'PUT' && (req.url === '/v1/parts' || req.url?.startsWith('/v1/parts/'));
    if (partUpload && this.failPartsAfter !== undefined && this.failPartsAfter-- <= 0) {
      return unavailable(res);
    }
    this.#forward(req, body, res);
  }

  #forward(req: IncomingMessage, body: Buffer, res: ServerResponse): void {
    const { 'transfer-encoding': _chunked, ...rest } = req.headers;
    const headers = { ...rest, host: this.#center.host, 'content-length': String(body.length) };
    const out = request(new URL(req.url ?? '/', this.#center), { method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    out.on('error', () => res.writeHead(502).end());
    out.end(body);
  }

  async #until(condition: () => boolean): Promise<void> {
    while (!condition()) await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  #wake(): void {
    for (const wake of this.#waiters.splice(0)) wake();
  }
}

function unavailable(res: ServerResponse): void {
  res.writeHead(503, { 'content-type': 'application/problem+json' });
  res.end(
    JSON.stringify({ type: 'about:blank', title: 'The center is unavailable', status: 503, code: 'UNAVAILABLE', detail: 'test fault' }),
  );
}
