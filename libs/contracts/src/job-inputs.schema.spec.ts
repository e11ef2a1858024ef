import { describe, expect, it } from 'vitest';
import { imageResultSchema } from './job-results.schema';
import {
  imageInputSchema,
  MAX_IMAGE_PROMPT_CHARS,
  MAX_SPEECH_INSTRUCTIONS_CHARS,
  MAX_TRANSCRIBE_KEYWORD_CHARS,
  MAX_TRANSCRIBE_KEYWORDS,
  synthesizeInputSchema,
  transcribeInputSchema,
  transcribeRequestInputSchema,
} from './job-inputs.schema';

describe('synthesizeInputSchema', () => {
  it('takes the Speko SDK options model, instructions and spokenForm', () => {
    const input = synthesizeInputSchema.parse({ text: 'Hi.', model: 'gpt-4o-mini-tts', instructions: '  Calm.  ', spokenForm: true });
    expect(input).toEqual({ text: 'Hi.', speed: 1, model: 'gpt-4o-mini-tts', instructions: 'Calm.', spokenForm: true });
  });

  it('leaves them out when absent (literal text, no model preference)', () => {
    expect(synthesizeInputSchema.parse({ text: 'Hi.' })).toEqual({ text: 'Hi.', speed: 1 });
  });

  it.each([
    ['an empty model', { model: '' }, 'model'],
    ['a model past 128 characters', { model: 'm'.repeat(129) }, 'model'],
    ['blank instructions', { instructions: '   ' }, 'instructions'],
    ['instructions past the limit', { instructions: 'x'.repeat(MAX_SPEECH_INSTRUCTIONS_CHARS + 1) }, 'instructions'],
    ['a spokenForm that is not a boolean', { spokenForm: 'yes' }, 'spokenForm'],
  ])('refuses %s, naming the field', (_name, extra, field) => {
    const parsed = synthesizeInputSchema.safeParse({ text: 'Hi.', ...extra });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual([field]);
  });
});

describe('transcribe keywords', () => {
  const audio = { data: 'UklGRg==', contentType: 'audio/wav' };

  it('keeps them trimmed, in order and casing, in the request and in the queued job', () => {
    expect(transcribeRequestInputSchema.parse({ audio, keywords: ['  Acme ', 'Dr. Chen'] }).keywords).toEqual(['Acme', 'Dr. Chen']);
    const queued = { audio: { key: 'tenants/t/audio/a.wav', contentType: 'audio/wav', bytes: 4 }, keywords: ['iPhone', 'McDonald'] };
    expect(transcribeInputSchema.parse(queued).keywords).toEqual(['iPhone', 'McDonald']);
  });

  it('leaves them out when absent', () => {
    expect(transcribeRequestInputSchema.parse({ audio })).not.toHaveProperty('keywords');
  });

  it.each([
    ['an empty list', [], ['keywords']],
    ['a blank keyword', ['Acme', '   '], ['keywords', 1]],
    ['a keyword past the limit', ['k'.repeat(MAX_TRANSCRIBE_KEYWORD_CHARS + 1)], ['keywords', 0]],
    ['more keywords than the limit', Array.from({ length: MAX_TRANSCRIBE_KEYWORDS + 1 }, (_, i) => `k${i}`), ['keywords']],
    ['a keyword that is not a string', [42], ['keywords', 0]],
    ['a string instead of a list', 'Acme', ['keywords']],
  ])('refuses %s, naming the field', (_name, keywords, path) => {
    const parsed = transcribeRequestInputSchema.safeParse({ audio, keywords });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(path);
  });

  it('takes the most keywords of the longest length', () => {
    const keywords = Array.from({ length: MAX_TRANSCRIBE_KEYWORDS }, (_, i) => `${i}`.padEnd(MAX_TRANSCRIBE_KEYWORD_CHARS, 'k'));
    expect(transcribeRequestInputSchema.parse({ audio, keywords }).keywords).toHaveLength(MAX_TRANSCRIBE_KEYWORDS);
  });
});

describe('imageInputSchema', () => {
  it('trims the prompt, makes one image by default, and keeps only what was set', () => {
    expect(imageInputSchema.parse({ prompt: '  a fox  ' })).toEqual({ prompt: 'a fox', n: 1 });
    const all = {
      prompt: 'a fox',
      n: 10,
      size: '1536x1024',
      quality: 'high',
      background: 'transparent',
      outputFormat: 'webp',
      outputCompression: 80,
      moderation: 'low',
      user: 'u-1',
    };
    expect(imageInputSchema.parse(all)).toEqual(all);
    expect(imageInputSchema.parse({ prompt: 'x', size: 'auto', style: 'vivid' })).toEqual({ prompt: 'x', n: 1, size: 'auto', style: 'vivid' });
  });

  it.each([
    ['a blank prompt', { prompt: '   ' }, 'prompt'],
    ['a prompt past the longest any model takes', { prompt: 'x'.repeat(MAX_IMAGE_PROMPT_CHARS + 1) }, 'prompt'],
    ['no images', { n: 0 }, 'n'],
    ['more than 10 images', { n: 11 }, 'n'],
    ['a fractional n', { n: 1.5 }, 'n'],
    ['a size that is not WIDTHxHEIGHT', { size: 'big' }, 'size'],
    ['a size with a zero side', { size: '0x1024' }, 'size'],
    ['a quality no model has', { quality: 'ultra' }, 'quality'],
    ['a style no model has', { style: 'noir' }, 'style'],
    ['a format no model makes', { outputFormat: 'gif' }, 'outputFormat'],
    ['a compression past 100', { outputCompression: 101 }, 'outputCompression'],
    ['an empty user', { user: '' }, 'user'],
    ['a field images do not have', { seed: 3 }, ''],
  ])('refuses %s, naming the field', (_name, extra, field) => {
    const parsed = imageInputSchema.safeParse({ prompt: 'a fox', ...extra });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path.join('.')).toBe(field);
  });
});

describe('imageResultSchema', () => {
  const provenance = {
    provider: 'openai',
    model: 'gpt-image-1',
    failoverCount: 0,
    scoresRunId: null,
    timings: { queuedMs: 1, processingMs: 2, providerMs: 1 },
  };
  const image = { key: 'tenants/acme/results/job_1-0.png', contentType: 'image/png', bytes: 120 };

  it('keeps where each image is, never its bytes', () => {
    const result = { ...provenance, images: [image], usage: { images: 1 } };
    expect(imageResultSchema.parse(result)).toEqual(result);
    expect(imageResultSchema.safeParse({ ...result, images: [{ ...image, b64_json: 'iVBORw0K' }] }).success).toBe(false);
  });

  it('refuses a result without images', () => {
    expect(imageResultSchema.safeParse({ ...provenance, images: [], usage: { images: 0 } }).success).toBe(false);
  });
});
