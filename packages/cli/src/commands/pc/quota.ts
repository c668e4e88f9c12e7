/** `phonesafe pc quota`: what the owner stores, its quota, and a lower limit of its own. */
import type { Command } from 'commander';
import { getQuota, setQuotaLimit } from '@phonesafe/pc';
import type { CliEnv } from '../../env.ts';
import { humanBytes } from '../../output.ts';
import { parseBytes } from '../../size.ts';
import { pcVerb, withSession } from './with-session.ts';

export function quotaVerb(pc: Command, env: CliEnv): void {
  pcVerb(
    pc,
    'quota',
    "what you store and your quota; --limit sets a lower limit of your own (only the center's operator can raise the quota)",
  )
    // Commander keeps no null from a parser, hence the word.
    .option('--limit <size>', "your own limit, e.g. 5G, or 'none'", (v: string) => (v === 'none' ? v : parseBytes(v, '--limit')))
    .action((flags: { json?: boolean; owner?: string; limit?: number | 'none' }) =>
      withSession(env, flags, async (session, out) => {
        const { limit } = flags;
        const view = limit === undefined ? await getQuota(session) : await setQuotaLimit(session, limit === 'none' ? null : limit);
        out.result(view, (v) => {
          const limit = v.limitBytes === null ? 'no limit of your own' : `your own limit ${humanBytes(v.limitBytes)}`;
          return `you store ${humanBytes(v.storedBytes)} of ${humanBytes(v.quotaBytes)} (the center's quota ${humanBytes(v.centerQuotaBytes)}, ${limit})`;
        });
      }),
    );
}
