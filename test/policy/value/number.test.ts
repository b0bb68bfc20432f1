/**
 * Exact numbers: literals keep every digit, doubles only where exact, comparison across representations.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BigNum,
  compareNumbers,
  Decimal,
  formatNumber,
  isIntegral,
  numberFromBigInt,
  numberFromDecimal,
  numberFromLiteral,
  toBigInt,
  toSafeInteger,
} from '../../../policy/value/index.js';

test('numberFromLiteral uses a double only when it is exact', () => {
  const cases: { note: string; text: string; big: boolean; out: string }[] = [
    { note: 'small int', text: '42', big: false, out: '42' },
    { note: 'negative zero is zero', text: '-0', big: false, out: '0' },
    { note: 'short decimal', text: '0.1', big: false, out: '0.1' },
    { note: 'trailing zeros denote the same double', text: '1.50', big: false, out: '1.5' },
    { note: 'exponent', text: '1e3', big: false, out: '1000' },
    { note: '2^53 is exact', text: '9007199254740992', big: false, out: '9007199254740992' },
    { note: '2^53+1 is not', text: '9007199254740993', big: true, out: '9007199254740993' },
    {
      note: 'huge int keeps digits',
      text: '123456789012345678901234567890',
      big: true,
      out: '123456789012345678901234567890',
    },
    {
      note: 'long decimal keeps digits',
      text: '0.10000000000000000001',
      big: true,
      out: '0.10000000000000000001',
    },
    { note: 'beyond double range', text: '1e400', big: true, out: '1e400' },
  ];
  for (const c of cases) {
    const n = numberFromLiteral(c.text);
    assert.equal(n instanceof BigNum, c.big, c.note);
    assert.equal(formatNumber(n), c.out, c.note);
  }
});

test('numberFromLiteral rejects non-literals', () => {
  assert.throws(() => numberFromLiteral('01x'), {
    name: 'RangeError',
    message: 'not a number literal: "01x"',
  });
});

test('numbers compare by value across representations', () => {
  const big = numberFromLiteral('9007199254740993');
  assert.equal(compareNumbers(9007199254740992, big), -1);
  assert.equal(compareNumbers(big, 9007199254740992), 1);
  assert.equal(compareNumbers(numberFromLiteral('1e400'), Number.MAX_VALUE), 1);
  assert.equal(compareNumbers(numberFromLiteral('1.0'), 1), 0);
});

test('numberFromDecimal normalises back to a double when exact', () => {
  const big = numberFromLiteral('9007199254740993') as BigNum;
  assert.equal(numberFromDecimal(big.decimal.minus(1)), 9007199254740992);
  assert.ok(numberFromDecimal(big.decimal.plus(2)) instanceof BigNum);
  assert.equal(numberFromDecimal(new Decimal('0.25')), 0.25);
  assert.throws(() => numberFromDecimal(new Decimal(Number.NaN)), RangeError);
});

test('integer access', () => {
  assert.equal(toSafeInteger(3), 3);
  assert.equal(toSafeInteger(3.5), undefined);
  assert.equal(
    toBigInt(numberFromLiteral('123456789012345678901234567890')),
    123456789012345678901234567890n,
  );
  assert.equal(numberFromBigInt(5n), 5);
  assert.equal(isIntegral(numberFromLiteral('1e400')), true);
  assert.equal(isIntegral(0.5), false);
});
