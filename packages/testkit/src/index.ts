/**
 * `@phonesafe/testkit`: the one home of the helpers tests share (DEVELOPERS.md,
 * Tests). Role-neutral: it imports `@phonesafe/protocol` only and starts roles
 * as processes, so a test never reaches into another package's `src/` or `test/`.
 */
export * from './temp.ts';
export * from './postgres.ts';
export * from './processes.ts';
export * from './wait.ts';
export * from './tree.ts';
export * from './blobs.ts';
export * from './owner.ts';
export * from './sqlite.ts';
export * from './scripted-center.ts';
export * from './launcher.ts';
export * from './mail.ts';
export * from './sync.ts';
export * from './file-clock.ts';
