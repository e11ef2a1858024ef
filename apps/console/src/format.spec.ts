import { describe, expect, it } from 'vitest';
import { elapsed, formatBytes, formatMs, formatSeconds } from './format';

describe('console formatting', () => {
  it('renders durations at a useful precision', () => {
    expect(formatMs(850)).toBe('850 ms');
    expect(formatMs(2400)).toBe('2.4 s');
    expect(formatMs(185_000)).toBe('3 min 5 s');
    expect(formatMs(undefined)).toBe('—');
    expect(elapsed('2026-01-01T00:00:00Z', '2026-01-01T00:00:01.500Z')).toBe('1.5 s');
    expect(elapsed('2026-01-01T00:00:00Z', null)).toBe('—');
  });

  it('renders transcript timestamps and sizes', () => {
    expect(formatSeconds(65.25)).toBe('1:05.3');
    expect(formatSeconds(0)).toBe('0:00.0');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(2048)).toBe('2.0 KB');
  });
});
