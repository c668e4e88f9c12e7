/**
 * @phonesafe/safe: the electronic value safe (docs/design/safes.md). The CLI
 * and tests use this surface only.
 */
export { buildSafeApp, type SafeDeps } from './app.ts';
export { loadSafeConfig, printSafeConfig, type SafeConfig, type SafeOverrides } from './config/config.ts';
export { loadSafeKeys, type SafeKeys } from './identity/safe-keys.ts';
export { runSafeAudit, runSafeVerify, type VerifyReport } from './maintenance/verify.ts';
export { createSafeLogger, startSafe, type RunningSafe } from './server.ts';
export { openSafeStore } from './store/open-store.ts';
