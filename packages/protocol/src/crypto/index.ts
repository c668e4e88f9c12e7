export * from './kdf.ts';
export * from './envelope.ts';
export * from './owner-keys.ts';
