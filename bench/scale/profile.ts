/**
 * A short reading of a V8 `.cpuprofile` (from `node --cpu-prof`): self time
 * per function and per area (a workspace package, an npm package, node's own
 * modules, GC, idle), so a run's bottleneck can be named without a viewer.
 *
 *   node bench/scale/profile.ts FILE.cpuprofile [--top 20]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileRow {
  name: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  /** Profiled wall time, ms. */
  totalMs: number;
  /** Time the main thread was busy (not "(idle)"), ms. */
  busyMs: number;
  byArea: ProfileRow[];
  byFunction: ProfileRow[];
}

/** Where a frame's code lives: "center", "protocol", "npm:fastify", "node:internal", or a pseudo-frame like "(garbage collector)". */
function areaOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const npm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (npm && !npm[1]!.startsWith('@phonesafe/')) return `npm:${npm[1]}`;
  const ws = /packages\/([^/]+)\/src\//.exec(url);
  if (ws) return ws[1]!;
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  return url.split('/').slice(-2).join('/');
}

export function summarizeProfile(file: string, top = 20): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // Self time per node: from samples × time deltas when present (exact), else hit counts × mean interval.
  const selfMs = new Map<number, number>();
  if (profile.samples && profile.timeDeltas) {
    for (let i = 0; i < profile.samples.length; i++) {
      const id = profile.samples[i]!;
      selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
    }
  } else {
    const hits = profile.nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0) || 1;
    const per = (profile.endTime - profile.startTime) / 1000 / hits;
    for (const n of profile.nodes) selfMs.set(n.id, (n.hitCount ?? 0) * per);
  }
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  let idleMs = 0;
  for (const [id, ms] of selfMs) {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)') {
      idleMs += ms;
      continue;
    }
    const area = areaOf(frame);
    areas.set(area, (areas.get(area) ?? 0) + ms);
    const where = frame.url ? ` ${frame.url.replace(/^.*?(packages\/|node_modules\/)/, '$1')}:${frame.lineNumber + 1}` : '';
    const name = `${frame.functionName || '(anonymous)'}${where}`;
    functions.set(name, (functions.get(name) ?? 0) + ms);
  }
  const busyMs = totalMs - idleMs;
  const rows = (m: Map<string, number>): ProfileRow[] =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => ({ name, ms: Math.round(ms), share: busyMs > 0 ? Math.round((1000 * ms) / busyMs) / 10 : 0 }));
  return { totalMs: Math.round(totalMs), busyMs: Math.round(busyMs), byArea: rows(areas), byFunction: rows(functions) };
}

export function formatProfile(s: ProfileSummary, indent = '  '): string {
  const lines = [
    `${indent}profiled ${(s.totalMs / 1000).toFixed(1)} s, main thread busy ${(s.busyMs / 1000).toFixed(1)} s (${((100 * s.busyMs) / Math.max(1, s.totalMs)).toFixed(0)} %)`,
  ];
  lines.push(`${indent}self time by area (share of busy time):`);
  for (const r of s.byArea)
    lines.push(`${indent}  ${String(r.share.toFixed(1)).padStart(5)} %  ${(r.ms / 1000).toFixed(1).padStart(7)} s  ${r.name}`);
  lines.push(`${indent}self time by function:`);
  for (const r of s.byFunction)
    lines.push(`${indent}  ${String(r.share.toFixed(1)).padStart(5)} %  ${(r.ms / 1000).toFixed(1).padStart(7)} s  ${r.name}`);
  return lines.join('\n');
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '20' } } });
  if (positionals.length !== 1) throw new Error('usage: profile.ts FILE.cpuprofile [--top N]');
  console.log(formatProfile(summarizeProfile(positionals[0]!, Number(values.top))));
}
