/** The owner's PC tools as a library: the `phonesafe pc` verbs are thin wrappers over these. */
export * from './profile.ts';
export * from './session.ts';
export * from './backups.ts';
export * from './download.ts';
export * from './restore.ts';
export * from './schedule.ts';
export * from './handsets.ts';
export * from './rescue.ts';
export * from './safe-path.ts';
export type * from './progress.ts';
export * from './quota.ts';
export * from './subscribers.ts';
