/**
 * V13's backup conditions against the seed's own tables: FIG 19's four values,
 * FIG 20(a) by class, and FIG 20(b), where the prose rule selects {C, G} and
 * the figure shows {E, G} (docs/design/safes.md: PhoneSafe follows the prose;
 * the figure's set is what "does not expire within three months" selects).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { after, parseCondition, select, type Candidate } from '../src/wallet/conditions.ts';

const FIG19: Array<Candidate & { name: string }> = [
  {
    pointer: 1,
    name: 'A',
    class: 'movie-ticket',
    size: 150,
    validFrom: '2000-04-01',
    validTo: '2000-05-31',
    heldSince: '2000-03-01T09:00:00Z',
  },
  {
    pointer: 2,
    name: 'C',
    class: 'concert-ticket',
    size: 150,
    validFrom: '2000-04-29',
    validTo: '2000-04-29',
    heldSince: '2000-03-10T09:00:00Z',
  },
  { pointer: 3, name: 'E', class: 'prepaid', size: 120, validFrom: null, validTo: null, heldSince: null },
  {
    pointer: 4,
    name: 'G',
    class: 'movie-ticket',
    size: 150,
    validFrom: '2000-05-01',
    validTo: '2000-06-30',
    heldSince: '2000-03-14T23:59:00Z',
  },
];

const names = (where: string[], free = 10_000) =>
  select(where.map(parseCondition), FIG19, free, '2026-12-01').map((v) => (v as Candidate & { name: string }).name);

describe('backup conditions (FIG 19/20)', () => {
  it('FIG 20(a): the class "movie ticket" selects A and G', () => {
    assert.deepEqual(names(['class=movie-ticket']), ['A', 'G']);
  });

  it('FIG 20(b) by the prose: no usable day within a month of 15 March 2000 selects C and G', () => {
    assert.deepEqual(names(['notUsableWithin=1M;asOf=2000-03-15']), ['C', 'G']);
  });

  it("FIG 20(b)'s figure, {E, G}, is what 'does not expire within three months' selects", () => {
    assert.deepEqual(names(['notExpiringWithin=3M;asOf=2000-03-15']), ['E', 'G']);
  });

  it('a rule is the AND of its fields, several rules the OR', () => {
    assert.deepEqual(names(['class=movie-ticket;notUsableWithin=1M;asOf=2000-03-15']), ['G']);
    assert.deepEqual(names(['class=prepaid', 'class=concert-ticket']), ['C', 'E']);
    assert.deepEqual(names(['expiresWithin=7d;asOf=2000-05-25']), ['A']);
    assert.deepEqual(names(['sizeBelow=130']), ['E']);
    assert.deepEqual(names(['class=prepaid;freeBelow=500'], 10_000), []);
    assert.deepEqual(names(['class=prepaid;freeBelow=500'], 400), ['E']);
  });

  it('holding start: held a week or more by 15 March 2000 selects A only; an unknown start is never selected', () => {
    assert.deepEqual(names(['heldLongerThan=1w;asOf=2000-03-15']), ['A']);
    assert.deepEqual(names(['heldLongerThan=1d;asOf=2000-03-15']), ['A', 'C', 'G']);
    assert.deepEqual(names(['heldLongerThan=0d;asOf=2000-03-13']), ['A', 'C']);
  });

  it('spans are calendar months and days; bad conditions are usage errors', () => {
    assert.equal(after('2000-03-15', { months: 1, days: 0 }), '2000-04-15');
    assert.equal(after('2000-02-28', { months: 0, days: 1 }), '2000-02-29');
    for (const bad of ['', 'colour=red', 'notUsableWithin=soon', 'asOf=15.3.2000', 'sizeAbove=big'])
      assert.throws(() => parseCondition(bad), /USAGE|condition|span|date|bytes/);
  });
});
