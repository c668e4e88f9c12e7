export * from './target-dir.ts';
