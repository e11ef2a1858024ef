import { describe, expect, it } from 'vitest';
import { imageInputSchema } from '@voxq/contracts';
import { checkImageParams, GENERIC_IMAGE_MODEL, imageParamProblems } from './image-params';
import { OPENAI_IMAGE_MODELS } from './openai/profile';

const input = (fields: object) => imageInputSchema.parse({ prompt: 'a fox', ...fields });
const problems = (model: string, fields: object) => imageParamProblems(model, OPENAI_IMAGE_MODELS[model], input(fields)).map((p) => p.param);

describe('imageParamProblems', () => {
  it('takes what each OpenAI model documents', () => {
    expect(
      problems('gpt-image-1', {
        n: 4,
        size: 'auto',
        quality: 'high',
        background: 'transparent',
        outputFormat: 'webp',
        outputCompression: 50,
        moderation: 'low',
      }),
    ).toEqual([]);
    expect(problems('dall-e-3', { size: '1792x1024', quality: 'hd', style: 'natural' })).toEqual([]);
    expect(problems('dall-e-2', { n: 10, size: '256x256', quality: 'standard' })).toEqual([]);
    // `auto` quality and a png output format are what every model does anyway.
    expect(problems('dall-e-2', { quality: 'auto', outputFormat: 'png' })).toEqual([]);
  });

  it.each([
    ['gpt-image-1', { style: 'vivid' }, 'style'],
    ['gpt-image-1', { quality: 'hd' }, 'quality'],
    ['gpt-image-1', { size: '1792x1024' }, 'size'],
    ['gpt-image-1', { background: 'transparent', outputFormat: 'jpeg' }, 'background'],
    ['gpt-image-1', { outputCompression: 50 }, 'outputCompression'],
    ['dall-e-3', { n: 2 }, 'n'],
    ['dall-e-3', { size: '256x256' }, 'size'],
    ['dall-e-3', { outputFormat: 'webp' }, 'outputFormat'],
    ['dall-e-3', { background: 'opaque' }, 'background'],
    ['dall-e-3', { prompt: 'x'.repeat(4001) }, 'prompt'],
    ['dall-e-2', { style: 'vivid' }, 'style'],
    ['dall-e-2', { quality: 'hd' }, 'quality'],
    ['dall-e-2', { moderation: 'low' }, 'moderation'],
    ['dall-e-2', { prompt: 'x'.repeat(1001) }, 'prompt'],
  ])('refuses on %s %j, naming %s', (model, fields, param) => {
    expect(problems(model, fields)).toEqual([param]);
  });

  it('lists every problem, and takes only the prompt, n, size and user from a model it knows nothing of', () => {
    expect(problems('dall-e-3', { n: 3, quality: 'low' })).toEqual(['n', 'quality']);
    expect(imageParamProblems('flux', undefined, input({ n: 4, size: '768x1344', user: 'u' }))).toEqual([]);
    expect(imageParamProblems('flux', GENERIC_IMAGE_MODEL, input({ quality: 'high', style: 'vivid' })).map((p) => p.param)).toEqual(['quality', 'style']);
  });
});

describe('checkImageParams', () => {
  it('throws a 400 naming the first parameter as the caller spells it', () => {
    expect(() => checkImageParams('dall-e-3', OPENAI_IMAGE_MODELS['dall-e-3'], input({ n: 2 }), (p) => `input.${p}`)).toThrow(
      expect.objectContaining({ status: 400, code: 'invalid_request', param: 'input.n', message: 'input.n: dall-e-3 makes at most 1 image per request.' }),
    );
    expect(() => checkImageParams('gpt-image-1', OPENAI_IMAGE_MODELS['gpt-image-1'], input({}))).not.toThrow();
  });
});
