import { createInterface } from 'node:readline/promises';
import type { AskOverwrite, OverwriteAnswer } from '@phonesafe/handset';

const ANSWERS: Record<string, OverwriteAnswer> = { y: 'yes', yes: 'yes', n: 'no', no: 'no', a: 'all', all: 'all', N: 'none', none: 'none' };

/**
 * B6 "the handset asks before overwriting": `{ ask }` with a per-item
 * question on the terminal, to spread into the agent's options. Empty
 * without a terminal, so the agent refuses (OVERWRITE_REFUSED, nothing
 * written) instead of guessing.
 */
export function askOption(): { ask?: AskOverwrite } {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return {};
  return { ask: askOnTerminal };
}

async function askOnTerminal(path: string): Promise<OverwriteAnswer> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    for (;;) {
      const reply = (await rl.question(`overwrite ${path}? [y]es/[n]o/[a]ll/[N]one: `)).trim();
      const answer = ANSWERS[reply] ?? ANSWERS[reply.toLowerCase()];
      if (answer) return answer;
    }
  } finally {
    rl.close();
  }
}

/** A yes/no question on the terminal; false without a terminal, so the caller refuses instead of guessing. */
export async function confirmOnTerminal(question: string): Promise<boolean> {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const reply = (await rl.question(`${question} [y/N]: `)).trim().toLowerCase();
    return reply === 'y' || reply === 'yes';
  } finally {
    rl.close();
  }
}
