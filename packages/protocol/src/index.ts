/**
 * `@phonesafe/protocol`: what every role, and a browser, may import. Nothing
 * reachable from here imports a `node:` module (dependency-cruiser rules
 * `protocol-root-is-neutral`): wire schemas, the error registry, data kinds,
 * the clock, schedule text, the shared codecs, the chunker and the restore
 * plan. Bindings to Node (HTTP client, file chunking, sealing and keys over
 * `node:crypto`, writing under a target directory) are `@phonesafe/protocol/node`.
 */
export * from './errors.ts';
export * from './kinds.ts';
export * from './clock.ts';
export * from './schedule-text.ts';
export * from './next-run.ts';
export * from './schemas/index.ts';
export * from './codecs/rescue-numbers.ts';
export * from './chunking/fastcdc.ts';
export * from './restore-plan.ts';
export * from './util/concurrent.ts';
export * from './codecs/password-strength.ts';
