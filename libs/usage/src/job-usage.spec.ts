import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CAPABILITY_OF, counterField, parseCounterField, USAGE_METRICS, usageOfResult } from './job-usage';

// Counter fields are stored names: a field this reads wrongly is usage lost from a bill.

describe('stored names', () => {
  it('keeps the metric names and capabilities the day counters were written with', () => {
    expect(USAGE_METRICS).toEqual(['jobs', 'audio_ms', 'characters', 'input_tokens', 'output_tokens', 'images', 'sessions', 'session_ms']);
    expect(CAPABILITY_OF).toEqual({ transcribe: 'stt', synthesize: 'tts', complete: 'llm', embed: 'embedding', image: 'image' });
    expect(counterField('stt', 'deepgram', 'audio_ms')).toBe('stt|deepgram|audio_ms');
  });
});

describe('parseCounterField', () => {
  it.each([
    ['stt|deepgram|audio_ms', { capability: 'stt', provider: 'deepgram', metric: 'audio_ms' }],
    ['embedding|openai|input_tokens', { capability: 'embedding', provider: 'openai', metric: 'input_tokens' }],
    ['llm|a|jobs', { capability: 'llm', provider: 'a', metric: 'jobs' }],
    ['tts|with|bar|characters', { capability: 'tts', provider: 'with|bar', metric: 'characters' }],
    ['image|openai|images', { capability: 'image', provider: 'openai', metric: 'images' }],
  ])('reads %j', (field, parts) => {
    expect(parseCounterField(field)).toEqual(parts);
  });

  it.each(['', 'stt', 'stt|deepgram', '|deepgram|jobs', 'stt||jobs', 'stt|deepgram|', 'video|x|jobs', 'stt|x|seconds', 'STT|x|jobs', 'stt|x|jobs|'])(
    'skips %j, which this voxq did not write',
    (field) => {
      expect(parseCounterField(field)).toBeNull();
    },
  );

  it('reads back every field it writes', () => {
    const capability = fc.constantFrom(...Object.values(CAPABILITY_OF));
    const metric = fc.constantFrom(...USAGE_METRICS);
    const provider = fc.string({ minLength: 1, maxLength: 20 }).filter((p) => !p.includes('|'));
    fc.assert(
      fc.property(capability, provider, metric, (c, p, m) => {
        expect(parseCounterField(counterField(c, p, m))).toEqual({ capability: c, provider: p, metric: m });
      }),
    );
  });
});

describe('usageOfResult', () => {
  it.each([
    ['transcribe', { provider: 'deepgram', usage: {} }],
    ['synthesize', { provider: 'openai', usage: { characters: 1.5 }, audio: {} }],
    ['synthesize', { provider: '', usage: { characters: 3 }, audio: {} }],
    ['complete', { provider: 'openai', usage: { promptTokens: 1 } }],
    ['embed', { provider: 'openai', usage: { promptTokens: -1 } }],
    ['image', { provider: 'openai', usage: { images: 1.5 } }],
  ] as const)('has nothing to count for a %s result without valid usage', (type, result) => {
    expect(usageOfResult(type, result)).toBeNull();
  });

  it('counts the images an image job made, and the job', () => {
    expect(usageOfResult('image', { provider: 'openai', usage: { images: 3, inputTokens: 9, outputTokens: 816 } })).toEqual({
      capability: 'image',
      provider: 'openai',
      counts: { jobs: 1, images: 3 },
    });
  });

  it('rounds audio to whole milliseconds', () => {
    expect(usageOfResult('transcribe', { provider: 'deepgram', usage: { audioSeconds: 1.2345 } })).toEqual({
      capability: 'stt',
      provider: 'deepgram',
      counts: { jobs: 1, audio_ms: 1235 },
    });
  });
});
