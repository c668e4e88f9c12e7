/**
 * The sync server (S5, S8 detection): sessions opened after the subscriber
 * DB cleared the terminal (S3/S4 at the center), uploads applied by
 * compare-and-set on the base version, downloads of what the terminal has
 * not seen minus its own changes, and the cursor moved only to what the
 * terminal confirms it applied. Content-blind: items stay sealed.
 */
import {
  type AreaList,
  type ChangeResult,
  type Clock,
  type DownloadResponse,
  type OpenSessionResponse,
  filterCutoff,
  PhoneSafeError,
  SYNC_PAGE,
  type SyncReason,
  type UpChange,
} from '@phonesafe/protocol';
import type { HandsetCaller } from '../auth/caller.ts';
import type { Logger } from '../logging/logger.ts';
import type { PushBus } from '../push/push-bus.ts';
import { newId } from '../ids.ts';
import type { SessionRow, SyncRepo } from './sync-repo.ts';
import type { SubscriberDirectory } from './sync-ports.ts';

export interface SyncDeps {
  sync: SyncRepo;
  clock: Clock;
  directory: SubscriberDirectory;
  /** Tells the other terminals' handsets on any center (`sync-pending`). */
  bus: Pick<PushBus, 'publish'>;
  log: Pick<Logger, 'warn'>;
}

export interface OpenRequest {
  number: string;
  terminalId: string;
  reason: SyncReason;
  direction: 'both' | 'up' | 'down';
  terminalPassword?: string | undefined;
  pin?: string | undefined;
}

export class SyncService {
  readonly #deps: SyncDeps;

  constructor(deps: SyncDeps) {
    this.#deps = deps;
  }

  async open(caller: HandsetCaller, request: OpenRequest): Promise<OpenSessionResponse> {
    const grant = await this.#deps.directory.authorize(caller, request);
    const { sync, clock } = this.#deps;
    const snapshot = await sync.lastSeq(grant.subscriberId);
    const cursor = await sync.cursor(grant.subscriberId, grant.terminalId);
    const { folders, sinceMonths } = grant.filters;
    const filter = { folders, since: sinceMonths === undefined ? null : filterCutoff(clock.now(), sinceMonths) };
    const session: SessionRow = {
      id: newId(),
      subscriberId: grant.subscriberId,
      terminalId: grant.terminalId,
      handsetId: caller.handsetId,
      snapshot,
      kinds: grant.kinds,
      filter,
      direction: request.direction,
      reason: request.reason,
      openedAt: clock.now().toISOString(),
      endedAt: null,
    };
    await sync.openSession(session);
    const base = {
      subscriberId: grant.subscriberId,
      terminalId: grant.terminalId,
      after: cursor,
      upTo: snapshot,
      kinds: grant.kinds,
      filter,
    };
    const pendingDown = await sync.pendingCount(base);
    return { sessionId: session.id, snapshot, cursor, kinds: grant.kinds, filters: grant.filters, keys: grant.keys, pendingDown };
  }

  async upload(caller: HandsetCaller, sessionId: string, changes: readonly UpChange[]): Promise<{ results: ChangeResult[] }> {
    const session = await this.#session(caller, sessionId);
    if (session.direction === 'down') throw new PhoneSafeError('BAD_REQUEST', 'this session was opened for download only');
    for (const change of changes) {
      if (!session.kinds.includes(change.kind))
        throw new PhoneSafeError('SYNC_KIND_NOT_TARGETED', `this terminal does not sync ${change.kind}`, { guid: change.guid });
      if (change.op === 'put' && (change.header === undefined || change.body === undefined))
        throw new PhoneSafeError('VALIDATION_FAILED', `a put carries a sealed header and body (${change.guid})`);
    }
    const guids = new Set(changes.map((c) => c.guid));
    if (guids.size !== changes.length) throw new PhoneSafeError('VALIDATION_FAILED', 'a guid appears twice in one upload');
    const at = this.#deps.clock.now().toISOString();
    const results = await this.#deps.sync.apply(session.subscriberId, session.terminalId, changes, at);
    const seqs = results.flatMap((r) => ('seq' in r ? [r.seq] : []));
    if (seqs.length > 0) await this.#tellOthers(session, Math.max(...seqs));
    return { results };
  }

  /** S6: every other terminal's handset hears that the area changed (best effort: the next sync finds the changes anyway). */
  async #tellOthers(session: SessionRow, seq: number): Promise<void> {
    try {
      const number = await this.#deps.directory.numberOf(session.subscriberId);
      for (const handsetId of await this.#deps.directory.otherHandsets(session.subscriberId, session.terminalId))
        await this.#deps.bus.publish(handsetId, { type: 'sync-pending', requestId: newId(), number, seq });
    } catch (error) {
      this.#deps.log.warn({ err: error }, 'sync-pending not published');
    }
  }

  async download(caller: HandsetCaller, sessionId: string, after: number): Promise<DownloadResponse> {
    const session = await this.#session(caller, sessionId);
    if (session.direction === 'up') throw new PhoneSafeError('BAD_REQUEST', 'this session was opened for upload only');
    const cursor = await this.#deps.sync.cursor(session.subscriberId, session.terminalId);
    const changes = await this.#deps.sync.changesSince({
      subscriberId: session.subscriberId,
      terminalId: session.terminalId,
      after: Math.max(after, cursor),
      upTo: session.snapshot,
      kinds: session.kinds,
      filter: session.filter,
      limit: SYNC_PAGE + 1,
    });
    const more = changes.length > SYNC_PAGE;
    const page = more ? changes.slice(0, SYNC_PAGE) : changes;
    return { changes: page, more, next: page.at(-1)?.seq ?? Math.max(after, cursor) };
  }

  /**
   * The terminal applied the download through `appliedThrough` (at most the snapshot): the cursor moves there, never back.
   * The end of a collective erase's session (S9) instead refills: cursor 0, and the terminal's own changes so far come
   * down again at its next download, since it is about to erase its copy (a refill it then does not need is harmless:
   * versions it holds are skipped).
   */
  async end(caller: HandsetCaller, sessionId: string, appliedThrough: number): Promise<{ cursor: number }> {
    const session = await this.#session(caller, sessionId, { ended: true });
    const at = this.#deps.clock.now().toISOString();
    if (session.reason === 'erase') {
      await this.#deps.sync.refill(session.subscriberId, session.terminalId, await this.#deps.sync.lastSeq(session.subscriberId), at);
      await this.#deps.sync.endSession(session.id, at);
      return { cursor: 0 };
    }
    const target = session.direction === 'up' ? 0 : Math.min(appliedThrough, session.snapshot);
    const cursor = await this.#deps.sync.advanceCursor(session.subscriberId, session.terminalId, target, at);
    await this.#deps.sync.endSession(session.id, at);
    return { cursor };
  }

  /** The owner's look into the area: sealed headers and the wrapped keys, which only the owner's pc opens. */
  async area(ownerId: string, number: string): Promise<AreaList> {
    const { subscriberId, keys } = await this.#deps.directory.owned(ownerId, number);
    return { number, keys, items: await this.#deps.sync.area(subscriberId) };
  }

  /** For the subscriber view (subscribers/ AreaStats). */
  lastSeq = (subscriberId: string): Promise<number> => this.#deps.sync.lastSeq(subscriberId);
  cursors = (subscriberId: string) => this.#deps.sync.cursors(subscriberId);
  rewindCursor = (subscriberId: string, terminalId: string): Promise<void> => this.#deps.sync.rewindCursor(subscriberId, terminalId);

  async #session(caller: HandsetCaller, id: string, options: { ended?: boolean } = {}): Promise<SessionRow> {
    const session = await this.#deps.sync.session(id);
    if (!session || session.handsetId !== caller.handsetId || (session.endedAt !== null && !options.ended))
      throw new PhoneSafeError('SYNC_SESSION_UNKNOWN', 'no such open sync session for this handset');
    return session;
  }
}
