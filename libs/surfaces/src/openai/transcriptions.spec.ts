import { describe, expect, it } from 'vitest';
import { timestampGranularitiesOf } from './transcriptions';

describe('timestampGranularitiesOf', () => {
  it('defaults to segment, as OpenAI does, and keeps each granularity once', () => {
    expect(timestampGranularitiesOf([], 'json')).toEqual(['segment']);
    expect(timestampGranularitiesOf(['word'], 'verbose_json')).toEqual(['word']);
    expect(timestampGranularitiesOf(['word', 'segment', 'word'], 'verbose_json')).toEqual(['word', 'segment']);
  });

  it('refuses an unknown granularity, or one without verbose_json, naming the parameter', () => {
    expect(() => timestampGranularitiesOf(['char'], 'verbose_json')).toThrow(expect.objectContaining({ status: 400, param: 'timestamp_granularities' }));
    expect(() => timestampGranularitiesOf(['word'], 'srt')).toThrow(expect.objectContaining({ status: 400, param: 'timestamp_granularities' }));
  });
});
