import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@voxq/config';
import { createLogger } from '@voxq/logging';
import { createProviderRegistry, type ProviderRegistry } from '@voxq/providers';
import { jobRequestSchema } from '@voxq/contracts';
import { checkImageJob } from '../image-check';
import { imagesRequest, imagesRequestSchema } from './images';

describe('imagesRequestSchema', () => {
  it('takes what the official SDK sends, nulls for what it leaves unset', () => {
    const body = { model: 'dall-e-3', prompt: 'a fox', n: null, size: '1024x1024', style: 'vivid', response_format: 'url', user: null };
    expect(imagesRequestSchema.parse(body)).toEqual(body);
  });

  it.each([
    ['a field OpenAI does not define', { seed: 3 }, ''],
    ['more images than OpenAI allows', { n: 11 }, 'n'],
    ['an unknown response_format', { response_format: 'png' }, 'response_format'],
    ['an unknown output_format', { output_format: 'gif' }, 'output_format'],
  ])('refuses %s', (_name, extra, param) => {
    const parsed = imagesRequestSchema.safeParse({ prompt: 'a fox', ...extra });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path.join('.')).toBe(param);
  });
});

describe('imagesRequest', () => {
  let dir: string;
  let runtime: { registry: ProviderRegistry };
  const request = (body: Record<string, unknown>) => imagesRequest(runtime, imagesRequestSchema.parse({ prompt: 'a fox', ...body }));
  const refusal = (body: Record<string, unknown>) => {
    try {
      request(body);
    } catch (error) {
      return error;
    }
    throw new Error('not refused');
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'voxq-images-'));
    const file = join(dir, 'voxq.json');
    // A second server answering to dall-e-3 (an OpenAI proxy), and one with a model of its own.
    writeFileSync(
      file,
      JSON.stringify({
        compatible: [
          { name: 'proxy', baseUrl: 'http://127.0.0.1:9001/v1', model: 'gpt-4o-mini', imageModel: 'dall-e-3' },
          { name: 'sd', baseUrl: 'http://127.0.0.1:9002/v1', model: 'llama3.2', imageModel: 'black-forest-labs/flux.1-dev' },
        ],
      }),
    );
    const config = loadConfig({ OPENAI_API_KEY: 'sk-test', VOXQ_CONFIG_FILE: file });
    runtime = { registry: createProviderRegistry(config, createLogger({ name: 'test', level: 'silent' })) };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('pins a named model on every provider serving it, and answers in its default form', () => {
    expect(request({ model: 'dall-e-3', style: 'natural' })).toEqual({
      request: {
        type: 'image',
        input: { prompt: 'a fox', n: 1, style: 'natural' },
        constraints: { allowedProviders: { image: ['openai', 'proxy'] }, models: { image: 'dall-e-3' } },
      },
      format: 'url',
    });
    expect(request({ model: 'gpt-image-1', output_format: 'webp', output_compression: 60 })).toMatchObject({
      request: { input: { outputFormat: 'webp', outputCompression: 60 }, constraints: { allowedProviders: { image: ['openai'] } } },
      format: 'b64_json',
    });
  });

  it('pins one provider for a provider/model pair, and keeps the response_format asked', () => {
    const pinned = request({ model: 'sd/black-forest-labs/flux.1-dev', response_format: 'url' });
    expect(pinned).toMatchObject({
      format: 'url',
      request: { constraints: { allowedProviders: { image: ['sd'] }, models: { image: 'black-forest-labs/flux.1-dev' } } },
    });
  });

  it('leaves the choice to the router without a model', () => {
    expect(request({ n: 2 })).toEqual({ request: { type: 'image', input: { prompt: 'a fox', n: 2 }, constraints: {} }, format: 'b64_json' });
  });

  it.each([
    ['a style on a GPT image model', { model: 'gpt-image-1', style: 'vivid' }, 'style'],
    ['two images from DALL·E 3', { model: 'dall-e-3', n: 2 }, 'n'],
    ['a quality a compatible server was not said to take', { model: 'black-forest-labs/flux.1-dev', quality: 'high' }, 'quality'],
    ['an output_format of DALL·E 2', { model: 'dall-e-2', output_format: 'jpeg' }, 'output_format'],
    ['a streamed answer', { model: 'gpt-image-1', stream: true }, 'stream'],
    ['partial images', { model: 'gpt-image-1', partial_images: 1 }, 'partial_images'],
  ])('refuses %s with a 400 naming it', (_name, body, param) => {
    expect(refusal(body)).toMatchObject({ status: 400, code: 'invalid_request', param });
  });

  it("answers a model nobody serves with OpenAI's model_not_found, as voxq's 404", () => {
    expect(refusal({ model: 'dall-e-9' })).toMatchObject({ status: 404, code: 'model_not_found', type: 'not_found_error', param: 'model' });
  });

  it('names the prompt when it is blank', () => {
    expect(refusal({ prompt: '  ' })).toMatchObject({ status: 400, param: 'prompt' });
  });
});

describe('checkImageJob', () => {
  let dir: string;
  let runtime: { registry: ProviderRegistry };
  const check = (job: Record<string, unknown>) => () =>
    checkImageJob(runtime, jobRequestSchema.parse({ type: 'image', ...job }) as Parameters<typeof checkImageJob>[1], (p) => `input.${p}`);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'voxq-image-check-'));
    const file = join(dir, 'voxq.json');
    writeFileSync(file, JSON.stringify({ compatible: [{ name: 'sd', baseUrl: 'http://127.0.0.1:9002/v1', model: 'llama3.2', imageModel: 'flux' }] }));
    runtime = {
      registry: createProviderRegistry(loadConfig({ OPENAI_API_KEY: 'sk-test', VOXQ_CONFIG_FILE: file }), createLogger({ name: 'test', level: 'silent' })),
    };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes a job some provider may run as asked', () => {
    expect(check({ input: { prompt: 'a fox', quality: 'high' } })).not.toThrow();
    expect(check({ input: { prompt: 'a fox', style: 'vivid' }, constraints: { models: { image: 'dall-e-3' } } })).not.toThrow();
  });

  it('refuses, naming the parameter, a job no provider it may use can run as asked', () => {
    expect(check({ input: { prompt: 'a fox', style: 'vivid' } })).toThrow(expect.objectContaining({ status: 400, param: 'input.style' }));
    const pinned = { input: { prompt: 'a fox', n: 3 }, constraints: { allowedProviders: { image: ['openai'] }, models: { image: 'dall-e-3' } } };
    expect(check(pinned)).toThrow(expect.objectContaining({ status: 400, param: 'input.n' }));
  });

  it('leaves other reasons no provider serves it to the router', () => {
    expect(check({ input: { prompt: 'a fox' }, constraints: { allowedProviders: { image: ['nobody'] } } })).not.toThrow();
  });
});
