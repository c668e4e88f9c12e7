import { removeLiveTempFiles } from '@phonesafe/protocol/node';

/**
 * Runs a task that writes files (download, export) so that Ctrl-C or a
 * SIGTERM leaves no temporary file behind: the signal removes the files
 * being written, then ends the process as the signal would (130, 143).
 */
export async function removingTempsOnSignal<T>(task: () => Promise<T>): Promise<T> {
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((signal) => {
    const handler = () => {
      removeLiveTempFiles();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    };
    process.once(signal, handler);
    return () => process.off(signal, handler);
  });
  try {
    return await task();
  } finally {
    for (const off of handlers) off();
  }
}
