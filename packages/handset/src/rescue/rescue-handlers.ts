import type { HandlerTable } from '../channel/handlers.ts';
import type { HandsetContext } from '../context.ts';
import { failureOf } from '../util/failure.ts';
import { eraseForRescue, type RescueEraseDeps, type RescueErased } from './erase.ts';
import { saveForRescue, type RescueSaveDeps, type RescueSaved } from './save.ts';

export type RescueContext = Omit<RescueSaveDeps & RescueEraseDeps, 'session'> & Pick<HandsetContext, 'session' | 'backups'>;

/**
 * The rescue desk's requests on the live channel (R2). A rescue has no
 * answer frame: the handset never says NG to it, busy or idle, and it runs
 * in the background. Both run in the backup turn, so no backup is between
 * reading and naming the versions meanwhile, and neither applies pending
 * restores first: a lost handset saves and is erased, it receives nothing.
 */
export function rescueHandlers(
  ctx: RescueContext,
  hooks: { erased?: () => Promise<void> } = {},
): Pick<HandlerTable, 'rescue-save' | 'rescue-erase'> {
  return {
    'rescue-save': (request, scope) => {
      const { rescueId } = request;
      scope.emit({ event: 'rescue-save', rescueId, requestId: request.requestId });
      scope.track(
        save(ctx, rescueId).then(
          ({ backupId, files, again }) => scope.emit({ event: 'rescue-saved', rescueId, backupId, files, again }),
          (error: unknown) => scope.emit({ event: 'rescue-failed', rescueId, step: 'save', ...failureOf(error) }),
        ),
      );
    },
    'rescue-erase': (request, scope) => {
      const { rescueId } = request;
      scope.track(
        erase(ctx, request).then(
          async ({ backupId, erasedItems, keptItems, again }) => {
            scope.emit({ event: 'rescue-erased', rescueId, backupId, erasedItems, keptItems, again });
            // M7: a handset erased by the rescue desk also ends its mail pairing (and tells the pc).
            await hooks.erased?.().catch(() => undefined);
            // The center revokes the credential when it takes the report: the loop ends and the handset forgets it.
            scope.revoke("the rescue erase is reported, which revokes this handset's credential");
          },
          (error: unknown) => scope.emit({ event: 'rescue-failed', rescueId, step: 'erase', ...failureOf(error) }),
        ),
      );
    },
  };
}

/** R2: saves all of the memory for the rescue (save.ts); rejects when it could not. */
async function save(ctx: RescueContext, rescueId: string): Promise<RescueSaved> {
  const deps: RescueSaveDeps = { ...ctx, session: ctx.session.require() };
  return ctx.backups.run(() => saveForRescue(deps, rescueId));
}

/** R2: erases what the rescue saved and reports it (erase.ts); rejects when it did not. */
async function erase(ctx: RescueContext, request: { rescueId: string; backupId: string }): Promise<RescueErased> {
  const deps: RescueEraseDeps = { ...ctx, session: ctx.session.require() };
  return ctx.backups.run(() => eraseForRescue(deps, request));
}
