export * from './fastcdc.ts';
export * from './file-chunks.ts';
