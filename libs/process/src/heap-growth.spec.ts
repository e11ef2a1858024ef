import { describe, expect, it } from 'vitest';
import { DEFAULT_HEAP_GROWING_PERCENT, heapGrowingPercent } from './heap-growth';

describe('heapGrowingPercent', () => {
  it('is the default when WORKER_HEAP_GROWING_PERCENT is unset or empty', () => {
    expect(heapGrowingPercent(undefined)).toBe(DEFAULT_HEAP_GROWING_PERCENT);
    expect(heapGrowingPercent(' ')).toBe(DEFAULT_HEAP_GROWING_PERCENT);
  });

  it('takes a whole percentage, 0 leaving V8 its own factor', () => {
    expect(heapGrowingPercent('0')).toBe(0);
    expect(heapGrowingPercent('100')).toBe(100);
  });

  it('refuses what is not a whole percentage, naming the variable', () => {
    for (const bad of ['-1', '1.5', 'fast', '5000']) {
      expect(() => heapGrowingPercent(bad)).toThrow(/WORKER_HEAP_GROWING_PERCENT/);
    }
  });
});
