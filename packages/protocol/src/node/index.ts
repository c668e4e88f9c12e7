/**
 * `@phonesafe/protocol/node`: the protocol's bindings to Node, for the roles
 * that run on it (handset agent, center, pc, cli). A browser imports the root
 * `@phonesafe/protocol` only. What is neutral stays there and is not repeated
 * here: import schemas, errors and the clock from the root.
 */
export * from './crypto/kdf.ts';
export * from './crypto/envelope.ts';
export * from './crypto/owner-keys.ts';
export * from './crypto/safe-crypto.ts';
export * from './crypto/deposit-record.ts';
export * from './crypto/device-challenge.ts';
export * from './client/safe-client.ts';
export * from './crypto/secret-hash.ts';
export * from './sync/area-seal.ts';
export * from './chunking/file-chunks.ts';
export * from './client/http.ts';
export * from './client/center-client.ts';
export * from './client/sync-client.ts';
export * from './client/owner-session.ts';
export * from './client/recovery.ts';
export * from './client/restore-reader.ts';
export * from './client/restore-source.ts';
export * from './local/target-dir.ts';
export * from './mail/mail-keys.ts';
export * from './mail/headers.ts';
export * from './mail/auth-info.ts';
export * from './mail/replay-window.ts';
export * from './mail/payload.ts';
export * from './mail/compose.ts';
export * from './mail/verify.ts';
export * from './mail/bundle.ts';
export * from './mail/peer.ts';
export * from './clock-spec.ts';
