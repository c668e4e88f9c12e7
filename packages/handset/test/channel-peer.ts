import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { answerJson, answerProblem, ScriptedCenter } from '@phonesafe/testkit';
import type { WebSocket } from 'ws';

/**
 * A real WebSocket peer speaking the channel protocol from the center's
 * side (the testkit's ScriptedCenter), answering the few center calls the
 * run loop makes on its own (pending restores, schedule registration) and
 * recording the backup start requests, refusing them over quota. It checks
 * the handset's credential on the upgrade like the center does.
 */
export class ChannelPeer {
  /** How every backup start is refused (the peer stores nothing). */
  startProblem = { status: 422, code: 'QUOTA_EXCEEDED', detail: 'owner is over quota (10 GiB)' };
  readonly backupStarts: unknown[] = [];
  /** When set, backup starts are recorded and never answered: a center gone silent. */
  stallBackupStarts = false;
  readonly schedules: unknown[] = [];
  readonly #center: ScriptedCenter;
  readonly #stalled: ServerResponse[] = [];

  private constructor(center: ScriptedCenter) {
    this.#center = center;
    center
      .route('GET', '/v1/restores/pending', (_req, res) => answerJson(res, 200, { restores: [] }))
      .route('PUT', '/v1/handsets/me/schedule', (req, res) => {
        const { schedule } = JSON.parse(req.body.toString()) as { schedule: unknown };
        this.schedules.push(schedule);
        answerJson(res, 200, {
          handsetId: 'handset-offline-1',
          handsetName: 'offline',
          schedule,
          retry: { intervalSeconds: 600, answerTimeoutSeconds: 60, maxTries: 6 },
          nextRunAt: null,
        });
      })
      .route('POST', '/v1/backups', (req, res) => {
        this.backupStarts.push(JSON.parse(req.body.toString()));
        center.wake();
        if (this.stallBackupStarts) return void this.#stalled.push(res);
        const { status, code, detail } = this.startProblem;
        answerProblem(res, status, code, detail);
      });
  }

  static async start(credential: string): Promise<ChannelPeer> {
    return new ChannelPeer(await ScriptedCenter.start({ credential }));
  }

  get url(): string {
    return this.#center.url;
  }

  /** Upgrade requests, with the Authorization header each carried. */
  get upgrades(): ReadonlyArray<string | undefined> {
    return this.#center.upgrades;
  }

  /** From now on the upgrade is refused (a revoked credential) or accepted again. */
  acceptCredential(credential: string): void {
    this.#center.acceptCredential(credential);
  }

  /** The n-th connection (1-based) once it is open. */
  connection(n: number): Promise<WebSocket> {
    return this.#center.connection(n);
  }

  /** Sends a backup start request on `socket` and returns its request id. */
  sendBackupStart(socket: WebSocket, fields: { jobId?: string; attempt?: number; kinds?: string[] } = {}): string {
    const requestId = `req-${randomUUID()}`;
    this.#center.send(socket, {
      type: 'backup-start',
      requestId,
      jobId: fields.jobId ?? `job-${randomUUID()}`,
      attempt: fields.attempt ?? 1,
      ...(fields.kinds ? { kinds: fields.kinds } : {}),
      answerBy: new Date(Date.now() + 60_000).toISOString(),
    });
    return requestId;
  }

  /** The next frame the handset sent on `socket`, parsed. */
  nextFrame(socket: WebSocket): Promise<unknown> {
    return this.#center.nextFrame(socket);
  }

  framesOn(socket: WebSocket): readonly string[] {
    return this.#center.framesOn(socket);
  }

  async close(): Promise<void> {
    for (const res of this.#stalled) res.destroy();
    await this.#center.close();
  }
}
