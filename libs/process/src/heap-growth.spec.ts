import { describe, expect, it } from 'vitest';
import { applyHeapGrowingPercent } from './heap-growth';

describe('applyHeapGrowingPercent', () => {
  it('refuses what is not a whole percentage before touching V8', () => {
    for (const bad of [-1, 1.5, Number.NaN]) expect(() => applyHeapGrowingPercent(bad)).toThrow(RangeError);
  });
});
