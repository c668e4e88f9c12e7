import { PhoneSafeError, type BackupStartRequest, type CenterMessage, type ScheduleView } from '@phonesafe/protocol';
import type { RescueErased } from '../rescue/erase.ts';
import type { RescueSaved } from '../rescue/save.ts';
import type { Readiness } from '../device/readiness.ts';
import type { PendingFailure, RestoreResult, TriggeredBackup } from '../types.ts';
import { failureOf } from '../util/failure.ts';
import { Backoff, sleep, type BackoffOptions } from './backoff.ts';
import type { EventSink } from './events.ts';
import { answerFrame, failedFrame, parseIncoming } from './messages.ts';
import { connectOnce, type ChannelEndpoint, type Connection } from './socket.ts';

/** What the run loop needs from the agent; the loop knows the channel, the agent knows the handset. */
export interface ChannelHost {
  endpoint: ChannelEndpoint;
  readiness(): Readiness;
  /** Runs the backup an accepted request asked for; failures come back as results. */
  backup(request: BackupStartRequest): Promise<TriggeredBackup>;
  /** Applies the due restore orders; one that fails is reported and passed to `onFailed`, never thrown. */
  applyPendingRestores(onFailed: (failure: PendingFailure) => void): Promise<RestoreResult[]>;
  /** R2: saves all of the memory for the rescue (rescue/save.ts); throws when it could not. */
  rescueSave(request: RescueSave): Promise<RescueSaved>;
  /** R2: erases what the rescue saved and reports it (rescue/erase.ts); throws when it did not. */
  rescueErase(request: RescueErase): Promise<RescueErased>;
  /** Tells the center the schedule it has not heard of yet; undefined when it is up to date. */
  registerSchedule(): Promise<ScheduleView | undefined>;
  /** The center revoked the credential: forget the enrollment and the owner's key (identity/unenroll.ts). */
  revoked(): Promise<void>;
}

type RescueSave = Extract<CenterMessage, { type: 'rescue-save' }>;
type RescueErase = Extract<CenterMessage, { type: 'rescue-erase' }>;

export interface RunOptions {
  /** Stops the loop: the socket closes, work in flight finishes, then `run` resolves. */
  signal: AbortSignal;
  onEvent?: EventSink;
  reconnect?: Partial<BackoffOptions>;
  /** Ping interval that detects a dead connection; 30 s by default. */
  heartbeatMs?: number;
}

/**
 * `phonesafe handset run`: keeps the live channel open (docs/design/live-channel.md),
 * answers each backup start request at once — NG with the readiness reason,
 * or OK and then the backup in the background — runs the rescue desk's save
 * and erase requests (R2) in the background, and applies pending restores
 * when told and on every connection (a restore pushed while the handset was
 * away is not lost). Reconnects with backoff until the signal aborts, or
 * until the center revokes the credential (after a rescue erase): then the
 * handset forgets its enrollment and `run` rejects with CREDENTIAL_REVOKED.
 */
export async function runChannel(host: ChannelHost, options: RunOptions): Promise<void> {
  const emit: EventSink = (event) => options.onEvent?.(event);
  const backoff = new Backoff(options.reconnect);
  const halt = new AbortController();
  const signal = AbortSignal.any([options.signal, halt.signal]);
  let revoked: string | undefined;
  const onRevoked = (detail: string) => {
    revoked ??= detail;
    halt.abort();
  };
  const inFlight = new Set<Promise<void>>();
  const track = (work: Promise<void>) => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };

  const restores = () =>
    host
      .applyPendingRestores(({ restoreId, code, detail }) => emit({ type: 'restore-failed', restoreId, code, detail }))
      .then(
        (results) => results.forEach((result) => emit({ type: 'restore-applied', result })),
        (error: unknown) => emit({ type: 'restore-failed', ...failureOf(error) }),
      );

  const onBackupStart = (connection: Connection, request: BackupStartRequest) => {
    const { requestId, jobId, attempt, kinds } = request;
    emit({ type: 'request', requestId, jobId, attempt, ...(kinds ? { kinds } : {}) });
    // Answered before anything else happens: the center waits on this answer, not on the backup.
    const readiness = host.readiness();
    connection.send(answerFrame(requestId, readiness));
    emit({ type: 'answered', requestId, jobId, ...(readiness.ok ? { answer: 'OK' } : { answer: 'NG', reason: readiness.reason }) });
    if (!readiness.ok) return;
    track(
      host.backup(request).then((outcome) => {
        if (outcome.ok) return emit({ type: 'backup-done', jobId, result: outcome.result });
        emit({ type: 'backup-failed', jobId, code: outcome.code, detail: outcome.detail });
        // The center retries at once instead of at the transfer deadline. It refused the
        // start itself over quota, so that job has moved on already.
        if (outcome.code !== 'QUOTA_EXCEEDED') connection.send(failedFrame(requestId, outcome.code));
      }),
    );
  };

  // A rescue has no answer frame: the handset never says NG to it (R2), busy or idle.
  const onRescueSave = (request: RescueSave) => {
    const { rescueId } = request;
    emit({ type: 'rescue-save', requestId: request.requestId, rescueId });
    track(
      host.rescueSave(request).then(
        (saved) => emit({ type: 'rescue-saved', ...saved }),
        (error: unknown) => emit({ type: 'rescue-failed', rescueId, step: 'save', ...failureOf(error) }),
      ),
    );
  };

  const onRescueErase = (request: RescueErase) => {
    const { rescueId } = request;
    track(
      host.rescueErase(request).then(
        (erased) => {
          emit({ type: 'rescue-erased', ...erased });
          // The center revokes the credential when it takes the report: the loop ends and the handset forgets it.
          onRevoked("the rescue erase is reported, which revokes this handset's credential");
        },
        (error: unknown) => emit({ type: 'rescue-failed', rescueId, step: 'erase', ...failureOf(error) }),
      ),
    );
  };

  const onMessage = (connection: Connection, message: CenterMessage) => {
    if (message.type === 'backup-start') onBackupStart(connection, message);
    else if (message.type === 'rescue-save') onRescueSave(message);
    else if (message.type === 'rescue-erase') onRescueErase(message);
    else if (message.type === 'credential-revoked') onRevoked("the center revoked this handset's credential");
    else track(restores());
  };

  while (!signal.aborted) {
    const { opened, reason, refusedCode } = await connectOnce(host.endpoint, {
      signal,
      heartbeatMs: options.heartbeatMs ?? 30_000,
      onOpen: () => {
        backoff.reset();
        emit({ type: 'connected', url: host.endpoint.url });
        track(restores());
        track(
          host.registerSchedule().then(
            (view) => view && emit({ type: 'schedule-registered', schedule: view.schedule, nextRunAt: view.nextRunAt }),
            (error: unknown) => emit({ type: 'schedule-failed', ...failureOf(error) }),
          ),
        );
      },
      onText: (connection, text) => {
        const incoming = parseIncoming(text);
        if (incoming.kind === 'message') onMessage(connection, incoming.message);
        else if (incoming.kind === 'refused') emit(incoming.refusal);
        else emit({ type: 'invalid-message', detail: incoming.detail });
      },
    });
    if (refusedCode === 'CREDENTIAL_REVOKED') onRevoked(reason);
    if (signal.aborted) break;
    const retryInMs = backoff.next();
    emit({ type: 'disconnected', reason: opened ? reason : `could not connect: ${reason}`, retryInMs });
    await sleep(retryInMs, signal);
  }
  await Promise.allSettled([...inFlight]);
  if (revoked !== undefined) {
    // After the work in flight: a rescue erase still reporting needs the credential.
    await host.revoked();
    emit({ type: 'revoked', detail: revoked });
  }
  emit({ type: 'stopped' });
  if (revoked !== undefined)
    throw new PhoneSafeError(
      'CREDENTIAL_REVOKED',
      `${revoked}; the enrolment and the owner's key are deleted from this handset: enrol it again to use it`,
    );
}
