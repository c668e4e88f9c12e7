import type { DataKind } from '@phonesafe/protocol';
import type { HandlerTable } from '../channel/handlers.ts';
import { answerFrame, failedFrame } from '../channel/messages.ts';
import type { HandsetContext } from '../context.ts';
import type { Readiness } from '../device/readiness.ts';
import type { ImportResult } from '../memory/import-export.ts';
import { failureOf } from '../util/failure.ts';
import { runBackup, type BackupDeps, type BackupRun } from './backup-engine.ts';
import { ALL_KINDS, type BackupScope } from './backup-scope.ts';
import type { BackupOptions, BackupResult, BackupTrigger, TriggeredBackup } from './backup-types.ts';
import { sizeTriggerFires } from './size-trigger.ts';

export type BackupsContext = Omit<BackupDeps, 'session'> & Pick<HandsetContext, 'session' | 'backups'>;

/** What backups need from elsewhere: the pending restores applied first, and the device's readiness for a center's request. */
export interface BackupsNeeds {
  applyPendingFirst(): Promise<void>;
  readiness(): Readiness;
}

/**
 * B4/B5 backups, whoever starts them: the owner (now), the handset's
 * triggers (size, power-on) or the center (a backup start request on the
 * live channel). Every one first applies the pending restores, so that the
 * backup includes what they bring (restore/restores.ts lists where that
 * happens), then runs in the backup turn, one at a time.
 */
export class Backups {
  readonly #ctx: BackupsContext;
  readonly #needs: BackupsNeeds;

  constructor(ctx: BackupsContext, needs: BackupsNeeds) {
    this.#ctx = ctx;
    this.#needs = needs;
  }

  /**
   * The owner's "back up now" (B4, immediate). Scope rule: an explicit backup
   * with no kinds covers ALL kinds, as it did before settings had targets
   * (the acceptance test and `phonesafe handset backup` rely on it); backups
   * that triggers start or the center requests cover the settings' targets
   * instead (see triggered).
   */
  now(options: BackupOptions = {}): Promise<BackupResult> {
    const scope: BackupScope = options.kinds?.length ? { kinds: options.kinds } : ALL_KINDS;
    return this.#run({ scope, trigger: 'manual', ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
  }

  /** The owner's backup of exactly these kinds (offload backs up what it is about to stub). */
  ofKinds(kinds: DataKind[]): Promise<BackupResult> {
    return this.#run({ scope: { kinds }, trigger: 'manual' });
  }

  /** B4 specific-action trigger: the handset was switched on. Undefined when the power-on trigger is off. */
  async powerOn(): Promise<TriggeredBackup | undefined> {
    return this.#ctx.settings.get().triggers.powerOn ? this.triggered('power-on') : undefined;
  }

  /** After a save: the B4 size trigger. If the target copies waiting pass the threshold, a backup runs and its outcome joins the result. */
  async afterImport(result: ImportResult): Promise<ImportResult> {
    const { settings, versions, index } = this.#ctx;
    if (!this.#ctx.session.current() || !sizeTriggerFires(settings.get(), versions, index)) return result;
    return { ...result, sizeBackup: await this.triggered('size') };
  }

  /**
   * A backup a trigger started (size, power-on) or the center requested
   * (schedule, with its job id). It covers the settings' targets (B1) unless
   * the center's request names kinds. Its failure — QUOTA_EXCEEDED included,
   * the center's NG of B4 — is returned, never thrown.
   */
  async triggered(trigger: BackupTrigger, request: { jobId?: string; kinds?: DataKind[] } = {}): Promise<TriggeredBackup> {
    try {
      const scope: BackupScope = request.kinds?.length ? { kinds: request.kinds } : { targets: this.#ctx.settings.get().targets };
      const result = await this.#run({ scope, trigger, ...(request.jobId ? { jobId: request.jobId } : {}) });
      return { trigger, ok: true, result };
    } catch (error) {
      return { trigger, ok: false, ...failureOf(error) };
    }
  }

  readonly handlers: Pick<HandlerTable, 'backup-start'> = {
    'backup-start': (request, scope) => {
      const { requestId, jobId, attempt, kinds } = request;
      scope.emit({ event: 'backup-start', requestId, jobId, attempt, kinds: kinds ?? null });
      // Answered before anything else happens: the center waits on this answer, not on the backup.
      const readiness = this.#needs.readiness();
      scope.connection.send(answerFrame(requestId, readiness));
      const reason = readiness.ok ? null : readiness.reason;
      scope.emit({ event: 'answered', requestId, jobId, attempt, answer: readiness.ok ? 'OK' : 'NG', reason });
      if (!readiness.ok) return;
      scope.track(
        this.triggered('schedule', request).then((outcome) => {
          if (outcome.ok) {
            const { trigger, kinds, backupId, files, sentBytes, committedAt } = outcome.result;
            return scope.emit({ event: 'backup-committed', trigger, kinds, jobId, backupId, files, sentBytes, committedAt });
          }
          scope.emit({ event: 'backup-failed', jobId, code: outcome.code, detail: outcome.detail });
          // The center retries at once instead of at the transfer deadline. It refused the start itself over
          // quota (the B4 NG, not a retry decision), so that job has moved on already.
          if (outcome.code !== 'QUOTA_EXCEEDED') scope.connection.send(failedFrame(requestId, outcome.code));
        }),
      );
    },
  };

  /** Pending restores first (the policy above), then the backup in the backup turn. */
  async #run(run: BackupRun): Promise<BackupResult> {
    const deps: BackupDeps = { ...this.#ctx, session: this.#ctx.session.require() };
    await this.#needs.applyPendingFirst();
    return this.#ctx.backups.run(() => runBackup(deps, run));
  }
}
