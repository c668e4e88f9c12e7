import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { answerProblem, ScriptedCenter } from '@phonesafe/testkit';
import type { WebSocket } from 'ws';

/**
 * The center as a rescue test needs it: a real center behind the testkit's
 * ScriptedCenter, which adds the rescue desk's side of the live channel. The
 * handset enrolls through it, so its channel comes here: the test sends
 * `rescue-save` / `rescue-erase` itself, and every backup, part and restore
 * call goes to the real center.
 *
 * The center's rescue bookkeeping is not under test here: the peer records
 * each backup start and `POST /v1/rescue/:id/erased`, forwards a rescue
 * save's start as a manual backup (the center would refuse a rescue it does
 * not know, and a rescue trigger without one) and answers the erase report
 * itself. `failPartsAfter` breaks a transfer.
 */
export class RescuePeer {
  readonly backupStarts: Array<Record<string, unknown>> = [];
  readonly erasedReports: Array<{ rescueId: string; body: unknown; authorization: string | undefined }> = [];
  /** Part uploads (single parts or batches) answered with 503 after this many more succeed; undefined: none fail. */
  failPartsAfter: number | undefined;
  /** This many more erase reports are answered 503 (recorded all the same): the report did not arrive. */
  failErasedReports = 0;
  readonly #center: ScriptedCenter;

  private constructor(center: ScriptedCenter) {
    this.#center = center;
    center
      .route('POST', /^\/v1\/rescue\/([^/]+)\/erased$/, (req, res) => {
        this.erasedReports.push({
          rescueId: decodeURIComponent(req.match[1]!),
          body: JSON.parse(req.body.toString()),
          authorization: req.headers.authorization,
        });
        if (this.failErasedReports-- > 0) return unavailable(res);
        res.writeHead(204).end();
      })
      .route('POST', '/v1/backups', (req) => {
        const start = JSON.parse(req.body.toString()) as Record<string, unknown>;
        this.backupStarts.push(start);
        const { rescueId: _recorded, ...forwarded } = start;
        req.body = Buffer.from(JSON.stringify(start.trigger === 'rescue' ? { ...forwarded, trigger: 'manual' } : forwarded));
        return 'forward';
      })
      .route('PUT', /^\/v1\/parts(\/|$)/, (_req, res) => {
        if (this.failPartsAfter !== undefined && this.failPartsAfter-- <= 0) return unavailable(res);
        return 'forward';
      });
  }

  static async start(center: string): Promise<RescuePeer> {
    return new RescuePeer(await ScriptedCenter.start({ forwardTo: center }));
  }

  get url(): string {
    return this.#center.url;
  }

  /** Every HTTP request seen, as "METHOD /path", oldest first. */
  get requests(): readonly string[] {
    return this.#center.requests;
  }

  /** The n-th channel connection (1-based) once it is open. */
  connection(n: number): Promise<WebSocket> {
    return this.#center.connection(n);
  }

  sendSave(socket: WebSocket, rescueId: string): void {
    this.#center.send(socket, { type: 'rescue-save', requestId: `req-${randomUUID()}`, rescueId });
  }

  sendErase(socket: WebSocket, rescueId: string, backupId: string): void {
    this.#center.send(socket, { type: 'rescue-erase', requestId: `req-${randomUUID()}`, rescueId, backupId });
  }

  /** Drops every open channel connection (the handset reconnects with backoff). */
  dropConnections(): void {
    this.#center.dropConnections();
  }

  close(): Promise<void> {
    return this.#center.close();
  }
}

function unavailable(res: ServerResponse): void {
  answerProblem(res, 503, 'UNAVAILABLE', 'test fault', 'The center is unavailable');
}
