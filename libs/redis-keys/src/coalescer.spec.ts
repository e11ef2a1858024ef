import { describe, expect, it } from 'vitest';
import { Coalescer } from './coalescer';

describe('Coalescer', () => {
  it('sends the calls of one turn as one batch per group, in call order, at most maxBatch each', async () => {
    const sent: Array<[string, number[]]> = [];
    const coalescer = new Coalescer<string, number, number>(async (group, items) => {
      sent.push([group, items]);
      return items.map((n) => n * 10);
    }, 2);
    const answers = await Promise.all([coalescer.add('a', 1), coalescer.add('b', 2), coalescer.add('a', 3), coalescer.add('a', 4)]);
    expect(answers).toEqual([10, 20, 30, 40]);
    expect(sent).toEqual([
      ['a', [1, 3]],
      ['a', [4]],
      ['b', [2]],
    ]);
    // A later turn is a batch of its own.
    expect(await coalescer.add('a', 5)).toBe(50);
    expect(sent.at(-1)).toEqual(['a', [5]]);
  });

  it('fails every call of a batch that fails, and only those', async () => {
    const coalescer = new Coalescer<string, number, number>(async (group, items) => {
      if (group === 'bad') throw new Error('Redis went away');
      return items;
    });
    const results = await Promise.allSettled([coalescer.add('bad', 1), coalescer.add('good', 2), coalescer.add('bad', 3)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason).toEqual(new Error('Redis went away'));
  });
});
