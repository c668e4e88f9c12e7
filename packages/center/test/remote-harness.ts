/**
 * Lets the HTTP harness helpers (newOwner, enroll, runBackup, call) talk to a
 * real listening center over fetch instead of `app.inject`: only `app.inject`
 * of the Harness is used by them, so this adapter supplies just that.
 */
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Harness } from './http-harness.ts';

export function remote(baseUrl: string): Harness {
  const inject = async (options: InjectOptions): Promise<LightMyRequestResponse> => {
    const payload = options.payload as string | Buffer | undefined;
    const res = await fetch(`${baseUrl}${String(options.url)}`, {
      method: String(options.method),
      headers: options.headers as Record<string, string>,
      ...(payload === undefined ? {} : { body: payload }),
    });
    const body = await res.text();
    return {
      statusCode: res.status,
      headers: Object.fromEntries(res.headers),
      body,
      json: () => JSON.parse(body),
    } as unknown as LightMyRequestResponse;
  };
  return { app: { inject } } as unknown as Harness;
}
