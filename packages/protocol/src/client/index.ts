export * from './http.ts';
export * from './center-client.ts';
export * from './owner-session.ts';
export * from './restore-reader.ts';
export * from './restore-plan.ts';
export * from './restore-source.ts';
