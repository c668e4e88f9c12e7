export * from './common.ts';
export * from './owner.ts';
export * from './backup.ts';
export * from './restore.ts';
export * from './manifest.ts';
export * from './channel.ts';
export * from './schedule.ts';
export * from './notice.ts';
