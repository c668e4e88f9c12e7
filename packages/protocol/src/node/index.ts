/**
 * `@phonesafe/protocol/node`: the protocol's bindings to Node, for the roles
 * that run on it (handset agent, center, pc, cli). A browser imports the root
 * `@phonesafe/protocol` only. What is neutral stays there and is not repeated
 * here: import schemas, errors and the clock from the root.
 */
export * from './crypto/kdf.ts';
export * from './crypto/envelope.ts';
export * from './crypto/owner-keys.ts';
export * from './crypto/secret-hash.ts';
export * from './sync/area-seal.ts';
export * from './chunking/file-chunks.ts';
export * from './client/http.ts';
export * from './client/center-client.ts';
export * from './client/sync-client.ts';
export * from './client/owner-session.ts';
export * from './client/restore-reader.ts';
export * from './client/restore-source.ts';
export * from './local/target-dir.ts';
