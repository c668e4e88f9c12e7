export * from './fastcdc.ts';
