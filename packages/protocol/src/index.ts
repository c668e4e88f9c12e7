export * from './errors.ts';
export * from './kinds.ts';
export * from './clock.ts';
export * from './schemas/index.ts';
export * from './crypto/index.ts';
export * from './chunking/index.ts';
export * from './client/index.ts';
export * from './util/concurrent.ts';
