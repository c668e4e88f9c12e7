/** What the composition root (app.ts) takes of the rescue desk. */
export { rescueCommittedHook, rescueStartHook } from './rescue-backup-hooks.ts';
export { rescueChannelHooks } from './rescue-channel.ts';
export { RescueGate } from './rescue-gate.ts';
export { rescueRoutes } from './rescue-routes.ts';
export { RescueService } from './rescue-service.ts';
export { rescueTickStep, RescueSweep } from './rescue-sweep.ts';
export { RescueTransfer } from './rescue-transfer.ts';
