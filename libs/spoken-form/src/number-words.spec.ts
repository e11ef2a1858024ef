import { describe, expect, it } from 'vitest';
import { decimalWords, integerWords, ordinalWords, yearWords } from './number-words';

describe('number words', () => {
  it.each([
    [0, 'zero'],
    [13, 'thirteen'],
    [40, 'forty'],
    [99, 'ninety-nine'],
    [105, 'one hundred five'],
    [1_000, 'one thousand'],
    [2_000_019, 'two million nineteen'],
    [7_000_000_000_000, 'seven trillion'],
  ])('integerWords(%d) is %j', (n, words) => expect(integerWords(n)).toBe(words));

  it('reads an integer too long to be a quantity digit by digit', () => {
    expect(integerWords(1_234_567_890_123_456)).toBe('one two three four five six seven eight nine zero one two three four five six');
  });

  it.each([
    [1, 'first'],
    [2, 'second'],
    [3, 'third'],
    [5, 'fifth'],
    [8, 'eighth'],
    [9, 'ninth'],
    [12, 'twelfth'],
    [20, 'twentieth'],
    [21, 'twenty-first'],
    [1_000, 'one thousandth'],
  ])('ordinalWords(%d) is %j', (n, words) => expect(ordinalWords(n)).toBe(words));

  it.each([
    [1066, 'ten sixty-six'],
    [1900, 'nineteen hundred'],
    [1907, 'nineteen oh seven'],
    [2000, 'two thousand'],
    [2009, 'two thousand nine'],
    [2010, 'twenty ten'],
    [2031, 'twenty thirty-one'],
  ])('yearWords(%d) is %j', (n, words) => expect(yearWords(n)).toBe(words));

  it.each([
    ['0.5', 'zero point five'],
    ['.25', 'zero point two five'],
    ['1,250.75', 'one thousand two hundred fifty point seven five'],
  ])('decimalWords(%j) is %j', (written, words) => expect(decimalWords(written)).toBe(words));
});
