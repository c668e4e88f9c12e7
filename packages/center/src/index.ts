/** The center's public API, used by the CLI (`phonesafe center …`). */
export { loadConfig, printConfig, settingVariables, type CenterConfig, type ConfigOverrides } from './config/config.ts';
export { startCenter, type RunningCenter, type StartOptions } from './server.ts';
export { runPrune, runQuota, runVerify, type PruneReport, type VerifyReport } from './maintenance-commands.ts';
export { createLogger, type Logger } from './logging/logger.ts';
