import { describe, expect, it } from 'vitest';
import { usageOfResult } from './job-usage';
import { PRICE_UNIT, summarizeUsage, type PriceOf } from './usage-cost';

const provenance = { model: 'm', failoverCount: 0, scoresRunId: null, timings: { queuedMs: 0, processingMs: 1, providerMs: 1 } };
/** Catalog prices as the provider profiles give them: per minute (stt), per 1M characters (tts), per 1M tokens (llm, embedding). */
const prices: Record<string, number> = { 'stt|openai': 0.006, 'tts|elevenlabs': 150, 'llm|openai': 0.26, 'embedding|openai': 0.02 };
const priceOf: PriceOf = (capability, provider) => prices[`${capability}|${provider}`];

describe('usageOfResult', () => {
  it('counts audio in, characters and audio out, tokens in and out, and the job', () => {
    expect(usageOfResult('transcribe', { ...provenance, provider: 'openai', text: 'hi', usage: { audioSeconds: 90.5 } })).toEqual({
      capability: 'stt',
      provider: 'openai',
      counts: { jobs: 1, audio_ms: 90_500 },
    });
    const audio = { url: '/v1/jobs/j/result', contentType: 'audio/mpeg', bytes: 10, durationSeconds: 2.25 };
    expect(usageOfResult('synthesize', { ...provenance, provider: 'elevenlabs', audio, usage: { characters: 42 } })?.counts).toEqual({
      jobs: 1,
      characters: 42,
      audio_ms: 2_250,
    });
    expect(
      usageOfResult('complete', { ...provenance, provider: 'openai', text: 'x', finishReason: 'stop', usage: { promptTokens: 12, completionTokens: 5 } })
        ?.counts,
    ).toEqual({
      jobs: 1,
      input_tokens: 12,
      output_tokens: 5,
    });
    expect(usageOfResult('embed', { ...provenance, provider: 'openai', embeddings: [[0.1]], usage: { promptTokens: 8 } })?.counts).toEqual({
      jobs: 1,
      input_tokens: 8,
    });
  });

  it('counts a synthesize result without a duration (older results) with no audio minutes', () => {
    const audio = { url: '/v1/jobs/j/result', contentType: 'audio/mpeg', bytes: 10 };
    expect(usageOfResult('synthesize', { ...provenance, provider: 'openai', audio, usage: { characters: 3 } })?.counts).toEqual({
      jobs: 1,
      characters: 3,
      audio_ms: 0,
    });
  });

  it('has nothing to count for a result without its usage', () => {
    expect(usageOfResult('complete', { ok: true })).toBeNull();
  });
});

describe('summarizeUsage', () => {
  it('sums the days and prices each metric in its capability unit', () => {
    const day1 = {
      'stt|openai|jobs': '2',
      'stt|openai|audio_ms': '90000',
      'tts|elevenlabs|jobs': '1',
      'tts|elevenlabs|characters': '2000',
      'tts|elevenlabs|audio_ms': '30000',
    };
    const day2 = {
      'stt|openai|jobs': '1',
      'stt|openai|audio_ms': '30000',
      'llm|openai|jobs': '1',
      'llm|openai|input_tokens': '3000000',
      'llm|openai|output_tokens': '1000000',
    };
    const usage = summarizeUsage([day1, day2], priceOf);
    expect(usage.totalSessions).toBe(5);
    expect(usage.totalMinutes).toBe(2.5); // 2 minutes transcribed + 0.5 synthesized
    const line = (type: string, metric: string) => usage.breakdown.find((l) => l.type === type && l.metric === metric);
    expect(line('stt', 'audio_minutes')).toEqual({
      provider: 'openai',
      type: 'stt',
      metric: 'audio_minutes',
      keySource: 'MANAGED',
      quantity: 2,
      cost: 0.012,
      unitPriceUsd: 0.006,
      unit: 'audio minute',
    });
    expect(line('tts', 'characters')).toMatchObject({ quantity: 2000, cost: 0.3, unitPriceUsd: 150, unit: '1M characters' });
    // TTS is priced by characters: its audio minutes are shown, not charged.
    expect(line('tts', 'audio_minutes')).toMatchObject({ quantity: 0.5, cost: 0, unitPriceUsd: null });
    expect(line('llm', 'input_tokens')).toMatchObject({ quantity: 3_000_000, cost: 0.78 });
    expect(line('llm', 'output_tokens')).toMatchObject({ quantity: 1_000_000, cost: 0.26 });
    expect(line('stt', 'jobs')).toMatchObject({ quantity: 3, cost: 0, unitPriceUsd: null });
    expect(usage.totalCost).toBe(0.012 + 0.3 + 1.04);
  });

  it('costs a provider no longer in the catalog nothing, and says it has no price', () => {
    const usage = summarizeUsage([{ 'stt|gone|audio_ms': '60000', 'stt|gone|jobs': '1' }], priceOf);
    expect(usage.breakdown.find((l) => l.metric === 'audio_minutes')).toMatchObject({ provider: 'gone', quantity: 1, cost: 0, unitPriceUsd: null, unit: null });
    expect(usage.totalCost).toBe(0);
  });

  it('skips counter fields it does not know, and answers zeros for no usage', () => {
    expect(summarizeUsage([{ 'video|x|frames': '3', garbage: '1' }, {}], priceOf)).toEqual({ totalSessions: 0, totalMinutes: 0, totalCost: 0, breakdown: [] });
  });
});

describe('summarizeUsage order and units', () => {
  it('lists the breakdown in counter-field order, whatever order the days hold them in', () => {
    const usage = summarizeUsage(
      [
        { 'tts|b|jobs': '1', 'llm|a|jobs': '1' },
        { 'stt|c|jobs': '1', 'embedding|d|jobs': '1' },
      ],
      priceOf,
    );
    expect(usage.breakdown.map((l) => `${l.type}|${l.provider}`)).toEqual(['embedding|d', 'llm|a', 'stt|c', 'tts|b']);
  });

  it('prices embeddings by input tokens per million, and nothing else of theirs', () => {
    const usage = summarizeUsage([{ 'embedding|openai|input_tokens': '2000000', 'embedding|openai|jobs': '4' }], () => 0.02);
    expect(usage.breakdown).toEqual([
      {
        provider: 'openai',
        type: 'embedding',
        metric: 'input_tokens',
        keySource: 'MANAGED',
        quantity: 2_000_000,
        cost: 0.04,
        unitPriceUsd: 0.02,
        unit: '1M tokens',
      },
      { provider: 'openai', type: 'embedding', metric: 'jobs', keySource: 'MANAGED', quantity: 4, cost: 0, unitPriceUsd: null, unit: null },
    ]);
  });

  it('prices images by the image, and nothing else of theirs', () => {
    const usage = summarizeUsage([{ 'image|openai|images': '3', 'image|openai|jobs': '2' }], () => 0.04);
    expect(usage.breakdown).toEqual([
      { provider: 'openai', type: 'image', metric: 'images', keySource: 'MANAGED', quantity: 3, cost: 0.12, unitPriceUsd: 0.04, unit: 'image' },
      { provider: 'openai', type: 'image', metric: 'jobs', keySource: 'MANAGED', quantity: 2, cost: 0, unitPriceUsd: null, unit: null },
    ]);
  });

  it('states the unit of every capability price', () => {
    expect(PRICE_UNIT).toEqual({
      stt: { unit: 'audio minute', perUnits: 60_000, priced: ['audio_ms'] },
      tts: { unit: '1M characters', perUnits: 1_000_000, priced: ['characters'] },
      llm: { unit: '1M tokens', perUnits: 1_000_000, priced: ['input_tokens', 'output_tokens'] },
      embedding: { unit: '1M tokens', perUnits: 1_000_000, priced: ['input_tokens'] },
      image: { unit: 'image', perUnits: 1, priced: ['images'] },
      realtime: { unit: 'session minute', perUnits: 60_000, priced: ['session_ms'] },
    });
  });
});
