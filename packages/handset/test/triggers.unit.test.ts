/**
 * The wallet's triggers (V13/V14/V16) fire once per edge: a condition that
 * keeps holding over many evaluations gives one run, a new edge another.
 * Driven tick by tick through due() with explicit times (the injected clock).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_AUTO, type AutoSettings } from '../src/wallet/auto-settings.ts';
import { due, passed, type Held, type Observation, type TriggerMemory } from '../src/wallet/triggers.ts';

const settings = (change: (s: AutoSettings) => void): AutoSettings => {
  const s = structuredClone(DEFAULT_AUTO);
  s.backup.safe = 'http://127.0.0.1:1';
  change(s);
  return s;
};

/** Evaluates each observation in turn; the reasons of each, joined. */
function walk(s: AutoSettings, steps: Array<Partial<Observation> & { at: string; held?: Held[] }>): string[] {
  let memory: TriggerMemory = { last: null, periodFrom: null };
  let state: Observation = { at: '', signal: 4, battery: 100, free: 10_000 };
  let held: Held[] = [];
  return steps.map(({ held: now, ...step }) => {
    state = { ...state, ...step };
    held = now ?? held;
    const d = due(s, memory, state, held);
    memory = d.memory;
    return [
      ...d.backup.map((r) => `backup:${r}`),
      ...d.recover.map((r) => `recover:${r}`),
      ...d.validTomorrow.map((p) => `valid:${p}`),
    ].join(',');
  });
}

const at = (hhmm: string, day = '2026-12-01') => `${day}T${hhmm}:00.000Z`;

describe('wallet triggers fire once per edge', () => {
  it('signal and battery: rising through the threshold fires once; staying up, or falling, does not', () => {
    const s = settings((x) => ((x.recover.signalAbove = 3), (x.recover.batteryAbove = 50)));
    assert.deepEqual(
      walk(s, [
        { at: at('10:00'), signal: 1, battery: 20 },
        { at: at('10:01'), signal: 3 },
        { at: at('10:02'), signal: 4 },
        { at: at('10:03'), signal: 4 },
        { at: at('10:04'), signal: 0, battery: 60 },
        { at: at('10:05'), signal: 3, battery: 70 },
      ]),
      ['', 'recover:signal', '', '', 'recover:battery', 'recover:signal'],
    );
  });

  it('the first evaluation only records: a good signal at start is no edge', () => {
    const s = settings((x) => (x.recover.signalAbove = 3));
    assert.deepEqual(walk(s, [{ at: at('10:00'), signal: 4 }, { at: at('10:01') }]), ['', '']);
  });

  it('capacity: free space falling below backs up once, rising to the mark recovers once (memory freed)', () => {
    const s = settings((x) => ((x.backup.freeBelow = 1000), (x.recover.freeAbove = 5000)));
    assert.deepEqual(
      walk(s, [
        { at: at('10:00'), free: 2000 },
        { at: at('10:01'), free: 900 },
        { at: at('10:02'), free: 800 },
        { at: at('10:03'), free: 6000 },
        { at: at('10:04'), free: 7000 },
      ]),
      ['', 'backup:shortage', '', 'recover:memory-freed', ''],
    );
  });

  it('a period gives one backup per elapsed period, and missed periods one, not many', () => {
    const s = settings((x) => (x.backup.everySeconds = 86_400));
    assert.deepEqual(
      walk(s, [
        { at: at('10:00', '2026-12-01') },
        { at: at('09:59', '2026-12-02') },
        { at: at('10:00', '2026-12-02') },
        { at: at('23:00', '2026-12-02') },
        { at: at('12:00', '2026-12-06') },
        { at: at('09:00', '2026-12-07') },
        { at: at('10:00', '2026-12-07') },
      ]),
      ['', '', 'backup:periodic', '', 'backup:periodic', '', 'backup:periodic'],
    );
  });

  it('a time of day fires when the clock passes it, once a day; no automatic backup without a safe', () => {
    const s = settings((x) => ((x.recover.at = '06:00'), (x.backup.at = '02:00')));
    assert.deepEqual(
      walk(s, [{ at: at('01:00') }, { at: at('05:59') }, { at: at('06:00') }, { at: at('06:30') }, { at: at('07:00', '2026-12-02') }]),
      ['', 'backup:time-of-day', 'recover:time-of-day', '', 'backup:time-of-day,recover:time-of-day'],
    );
    const noSafe = settings((x) => ((x.backup.at = '02:00'), (x.backup.safe = null)));
    assert.deepEqual(walk(noSafe, [{ at: at('01:00') }, { at: at('03:00') }]), ['', '']);
    assert.equal(passed(at('23:00'), at('01:00', '2026-12-02'), '00:30'), true, 'across midnight');
    assert.equal(passed(at('00:30'), at('01:00'), '00:30'), false, 'the start is not in the window');
  });

  it('valid from tomorrow: each certificate once, on the first evaluation that sees its validity start by tomorrow', () => {
    const s = settings((x) => (x.recover.validTomorrow = true));
    const ticket = (pointer: number, validFrom: string, validTo: string | null = null): Held => ({ pointer, validFrom, validTo });
    assert.deepEqual(
      walk(s, [
        { at: at('22:00', '2026-12-01'), held: [ticket(1, '2026-12-03'), ticket(2, '2026-12-02'), ticket(3, '2026-11-01', '2026-11-30')] },
        { at: at('23:59', '2026-12-01') },
        { at: at('00:01', '2026-12-02') },
        { at: at('12:00', '2026-12-02'), held: [ticket(1, '2026-12-03')] },
        { at: at('12:01', '2026-12-02'), held: [ticket(1, '2026-12-03'), ticket(4, '2026-12-02')] },
      ]),
      ['valid:2', '', 'valid:1', '', 'valid:4'],
    );
  });
});
