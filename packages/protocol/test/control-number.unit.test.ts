import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { describe, it } from 'node:test';
import { ControlNumber, formatControlNumber, isControlNumber, luhnDigit, newControlNumber } from '@phonesafe/protocol';

describe('control numbers', () => {
  it('are 16 digits passing the Luhn check, random, and shown 4-4-4-4', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const n = newControlNumber(randomInt);
      assert.match(n, /^[0-9]{16}$/);
      assert.ok(isControlNumber(n), n);
      seen.add(n);
    }
    assert.equal(seen.size, 1000, 'no repeats in a thousand');
    const shown = formatControlNumber('1234567890123452');
    assert.equal(shown, '1234-5678-9012-3452');
    assert.ok(isControlNumber(shown), 'dashes are ignored');
    assert.equal(ControlNumber.parse(shown), '1234567890123452', 'the protocol schema accepts the shown form');
  });

  it('matches the Luhn reference values', () => {
    assert.equal(luhnDigit('7992739871'), '3');
    assert.ok(isControlNumber('4539148803436467'), 'a known Luhn-valid 16-digit number');
  });

  it('rejects every single-digit typo and every swap of unequal neighbours', () => {
    const n = newControlNumber(randomInt);
    for (let i = 0; i < 16; i++) {
      for (let d = 0; d <= 9; d++) {
        if (String(d) === n[i]) continue;
        const typo = n.slice(0, i) + String(d) + n.slice(i + 1);
        assert.equal(isControlNumber(typo), false, `${typo} (digit ${i} changed)`);
      }
    }
    for (let i = 0; i < 15; i++) {
      if (n[i] === n[i + 1]) continue;
      const swapped = n.slice(0, i) + n[i + 1] + n[i] + n.slice(i + 2);
      // Luhn misses only the 0↔9 swap.
      if (`${n[i]}${n[i + 1]}` === '09' || `${n[i]}${n[i + 1]}` === '90') continue;
      assert.equal(isControlNumber(swapped), false, `${swapped} (digits ${i},${i + 1} swapped)`);
    }
  });

  it('rejects other shapes', () => {
    for (const bad of ['', '123', '12345678901234567', 'abcd-efgh-ijkl-mnop', '4539 1488 0343 646'])
      assert.equal(isControlNumber(bad), false, bad);
  });
});
