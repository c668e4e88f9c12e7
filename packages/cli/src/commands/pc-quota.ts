/** `phonesafe pc quota`: what the owner stores, its quota, and a lower limit of its own. */
import type { Command } from 'commander';
import { getQuota, setQuotaLimit, type PcSession } from '@phonesafe/pc';
import { humanBytes, type Output } from '../output.ts';
import { parseBytes } from '../size.ts';

type OwnerVerb = (name: string, description: string) => Command;
type WithSession = (flags: { json?: boolean }, run: (session: PcSession, out: Output) => Promise<void>) => Promise<void>;

export function pcQuotaCommands(pcVerb: OwnerVerb, withSession: WithSession): void {
  pcVerb('quota', "what you store and your quota; --limit sets a lower limit of your own (only the center's operator can raise the quota)")
    // Commander keeps no null from a parser, hence the word.
    .option('--limit <size>', "your own limit, e.g. 5G, or 'none'", (v: string) => (v === 'none' ? v : parseBytes(v, '--limit')))
    .action((flags: { json?: boolean; owner?: string; limit?: number | 'none' }) =>
      withSession(flags, async (session, out) => {
        const { limit } = flags;
        const view = limit === undefined ? await getQuota(session) : await setQuotaLimit(session, limit === 'none' ? null : limit);
        out.result(view, (v) => {
          const limit = v.limitBytes === null ? 'no limit of your own' : `your own limit ${humanBytes(v.limitBytes)}`;
          return `you store ${humanBytes(v.storedBytes)} of ${humanBytes(v.quotaBytes)} (the center's quota ${humanBytes(v.centerQuotaBytes)}, ${limit})`;
        });
      }),
    );
}
