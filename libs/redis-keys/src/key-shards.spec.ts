import keySlot from 'cluster-key-slot';
import { describe, expect, it } from 'vitest';
import { KeyShards } from './key-shards';

describe('KeyShards', () => {
  it('keeps the prefix itself with one shard, whatever the id (every single-Redis installation)', () => {
    const shards = new KeyShards('voxq');
    expect(shards.all()).toEqual([0]);
    expect(shards.keysFor('job_0190f0e1a2b3c4d5e6f7a8b9c0ff').jobs.record('job_1')).toBe('voxq:job:job_1');
  });

  it('pins the shard prefixes of {voxq} (stored names: a change orphans queued jobs)', () => {
    const shards = new KeyShards('{voxq}', 8);
    expect(shards.all().map((k) => shards.prefixOf(k))).toEqual([
      '{voxq}',
      '{voxq:1.336}',
      '{voxq:2.74}',
      '{voxq:3.308}',
      '{voxq:4.283}',
      '{voxq:5.214}',
      '{voxq:6.367}',
      '{voxq:7.301}',
    ]);
  });

  it("names shard k the same whatever the count (raising it leaves the first shards' keys where they are)", () => {
    const eight = new KeyShards('{acme}:prod', 8);
    const sixteen = new KeyShards('{acme}:prod', 16);
    for (const k of eight.all()) expect(sixteen.prefixOf(k)).toBe(eight.prefixOf(k));
    expect(sixteen.prefixOf(3)).toMatch(/^\{acme:3(\.\d+)?\}:prod$/);
  });

  it.each([2, 4, 8, 16])('spaces %i shards evenly around the slots, from the prefix’s own', (count) => {
    const shards = new KeyShards('{voxq}', count);
    const slots = shards.all().map((k) => keySlot(`${shards.prefixOf(k)}:x`));
    const sorted = [...slots].sort((a, b) => a - b);
    const gaps = sorted.map((slot, i) => (sorted[(i + 1) % count]! - slot + 16_384) % 16_384);
    // Each shard sits within a 64-slot window of its even point: every gap is the even one ± 64.
    for (const gap of gaps) expect(Math.abs(gap - 16_384 / count)).toBeLessThanOrEqual(64);
  });

  it('finds a job by the last byte of its id, mod the count', () => {
    const shards = new KeyShards('{voxq}', 8);
    expect(shards.ofId('job_0190f0e1a2b3c4d5e6f7a8b9c00b')).toBe(3);
    expect(shards.ofId('job_0190f0e1a2b3c4d5e6f7a8b9c0ff')).toBe(7);
    expect(shards.keysFor('job_0190f0e1a2b3c4d5e6f7a8b9c00b').jobs.record('job_x')).toBe('{voxq:3.308}:job:job_x');
    // Not an id voxq made: shard 0, where it is not found either.
    expect(shards.ofId('nope!')).toBe(0);
  });

  it('refuses shards without a hash tag to swap, and counts out of range', () => {
    expect(() => new KeyShards('voxq', 2)).toThrow(/hash-tagged prefix/);
    expect(() => new KeyShards('{voxq}', 0)).toThrow(/1 to 256/);
    expect(() => new KeyShards('{voxq}', 257)).toThrow(/1 to 256/);
  });
});
