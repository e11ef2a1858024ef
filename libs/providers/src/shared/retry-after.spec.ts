import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from './retry-after';

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');

  it.each([
    ['3', 3],
    ['0', 0],
    ['1.2', 2],
    ['Wed, 01 Jan 2025 00:00:10 GMT', 10],
    ['Tue, 31 Dec 2024 23:59:00 GMT', 0],
  ])('reads %s as %d seconds', (header, seconds) => {
    expect(parseRetryAfter(header, now)).toBe(seconds);
  });

  it.each([null, undefined, '', 'soon'])('ignores %s', (header) => {
    expect(parseRetryAfter(header, now)).toBeUndefined();
  });
});

describe('parseRetryAfter edge cases', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');

  it.each([
    [' 3 ', 3],
    ['12', 12],
    ['120', 120],
    ['1.25', 2],
    ['0.01', 1],
    ['2.0', 2],
  ])('reads %j as %d whole seconds, rounding up', (header, seconds) => {
    expect(parseRetryAfter(header, now)).toBe(seconds);
  });

  it.each(['3abc', 'abc3', '1.2.3x', '   '])('ignores %j', (header) => {
    expect(parseRetryAfter(header, now)).toBeUndefined();
  });

  it('rounds an HTTP date up to whole seconds from now', () => {
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:10 GMT', now - 500)).toBe(11);
  });
});
