export * from './http.ts';
export * from './center-client.ts';
export * from './owner-session.ts';
export * from './restore-reader.ts';
