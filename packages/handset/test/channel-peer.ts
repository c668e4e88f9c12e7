import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * A real WebSocket peer speaking the channel protocol from the center's
 * side, on a real HTTP server that answers the few center calls the run loop
 * makes on its own (pending restores, schedule registration) and records the
 * backup start requests, refusing them over quota. It checks the handset's
 * credential on the upgrade like the center does.
 */
export class ChannelPeer {
  readonly url: string;
  /** How every backup start is refused (the peer stores nothing). */
  startProblem = { status: 422, code: 'QUOTA_EXCEEDED', detail: 'owner is over quota (10 GiB)' };
  readonly backupStarts: unknown[] = [];
  /** When set, backup starts are recorded and never answered: a center gone silent. */
  stallBackupStarts = false;
  readonly #stalled: ServerResponse[] = [];
  readonly schedules: unknown[] = [];
  /** Upgrade requests, with the Authorization header each carried. */
  readonly upgrades: Array<string | undefined> = [];
  #credential: string;
  readonly #server: Server;
  readonly #wss: WebSocketServer;
  readonly #sockets: WebSocket[] = [];
  readonly #frames = new Map<WebSocket, string[]>();
  readonly #waiters: Array<() => void> = [];

  private constructor(server: Server, credential: string) {
    this.#server = server;
    this.#credential = credential;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    this.#wss = new WebSocketServer({
      server,
      path: '/v1/channel',
      verifyClient: (info, done) => {
        this.upgrades.push(info.req.headers.authorization);
        if (info.req.headers.authorization === `Bearer ${this.#credential}`) done(true);
        else done(false, 401, 'Unauthorized');
      },
    });
    this.#wss.on('connection', (socket) => {
      this.#sockets.push(socket);
      this.#frames.set(socket, []);
      socket.on('message', (data) => {
        this.#frames.get(socket)!.push(data.toString());
        this.#wake();
      });
      this.#wake();
    });
  }

  static async start(credential: string): Promise<ChannelPeer> {
    let peer: ChannelPeer | undefined;
    const server = createServer((req, res) => peer!.#http(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    peer = new ChannelPeer(server, credential);
    return peer;
  }

  /** From now on the upgrade is refused (a revoked credential) or accepted again. */
  acceptCredential(credential: string): void {
    this.#credential = credential;
  }

  /** The n-th connection (1-based) once it is open. */
  async connection(n: number): Promise<WebSocket> {
    await this.#until(() => this.#sockets.length >= n);
    return this.#sockets[n - 1]!;
  }

  /** Sends a backup start request on `socket` and returns its request id. */
  sendBackupStart(socket: WebSocket, fields: { jobId?: string; attempt?: number; kinds?: string[] } = {}): string {
    const requestId = `req-${randomUUID()}`;
    socket.send(
      JSON.stringify({
        type: 'backup-start',
        requestId,
        jobId: fields.jobId ?? `job-${randomUUID()}`,
        attempt: fields.attempt ?? 1,
        ...(fields.kinds ? { kinds: fields.kinds } : {}),
        answerBy: new Date(Date.now() + 60_000).toISOString(),
      }),
    );
    return requestId;
  }

  /** The next frame the handset sent on `socket`, parsed. */
  async nextFrame(socket: WebSocket): Promise<unknown> {
    const frames = this.#frames.get(socket)!;
    await this.#until(() => frames.length > 0);
    return JSON.parse(frames.shift()!);
  }

  framesOn(socket: WebSocket): readonly string[] {
    return this.#frames.get(socket)!;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.terminate();
    for (const res of this.#stalled) res.destroy();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #http(req: IncomingMessage, res: ServerResponse): void {
    let body = '';
    req.on('data', (piece: Buffer) => (body += piece.toString()));
    req.on('end', () => {
      const json = (status: number, value: unknown, type = 'application/json') => {
        res.writeHead(status, { 'content-type': type });
        res.end(JSON.stringify(value));
      };
      if (req.method === 'GET' && req.url === '/v1/restores/pending') return json(200, { restores: [] });
      if (req.method === 'PUT' && req.url === '/v1/handsets/me/schedule') {
        const { schedule } = JSON.parse(body) as { schedule: unknown };
        this.schedules.push(schedule);
        return json(200, {
          handsetId: 'handset-offline-1',
          handsetName: 'offline',
          schedule,
          retry: { intervalSeconds: 600, answerTimeoutSeconds: 60, maxTries: 6 },
          nextRunAt: null,
        });
      }
      if (req.method === 'POST' && req.url === '/v1/backups') {
        this.backupStarts.push(JSON.parse(body));
        this.#wake();
        if (this.stallBackupStarts) return void this.#stalled.push(res);
        const { status, code, detail } = this.startProblem;
        return json(status, { type: 'about:blank', title: code, status, code, detail }, 'application/problem+json');
      }
      json(404, { type: 'about:blank', title: 'No such resource', status: 404, code: 'NOT_FOUND' }, 'application/problem+json');
    });
  }

  async #until(condition: () => boolean): Promise<void> {
    while (!condition()) await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  #wake(): void {
    for (const wake of this.#waiters.splice(0)) wake();
  }
}
