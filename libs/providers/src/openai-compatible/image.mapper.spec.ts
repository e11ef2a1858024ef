import { describe, expect, it } from 'vitest';
import { OPENAI_IMAGE_MODELS } from '../openai/profile';
import type { ImageRequest } from '../provider';
import { fromImagesResponse, imageTypeOf, toImagesRequest } from './image.mapper';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]);
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 ')]);
const request: ImageRequest = { model: 'gpt-image-1', prompt: 'a fox', n: 2 };

describe('toImagesRequest', () => {
  it("sends each parameter in OpenAI's name only when set, and no response_format to a GPT image model", () => {
    expect(toImagesRequest({ ...request, outputFormat: 'webp', outputCompression: 70, user: 'u' }, OPENAI_IMAGE_MODELS['gpt-image-1']!)).toEqual({
      model: 'gpt-image-1',
      prompt: 'a fox',
      n: 2,
      output_format: 'webp',
      output_compression: 70,
      user: 'u',
    });
  });

  it('asks DALL·E for the bytes (b64_json), whatever the caller will be answered', () => {
    expect(toImagesRequest({ model: 'dall-e-3', prompt: 'x', n: 1, style: 'vivid' }, OPENAI_IMAGE_MODELS['dall-e-3']!)).toEqual({
      model: 'dall-e-3',
      prompt: 'x',
      n: 1,
      style: 'vivid',
      response_format: 'b64_json',
    });
  });
});

describe('imageTypeOf', () => {
  it('reads PNG, JPEG and WebP from their first bytes, and nothing else', () => {
    expect([PNG, JPEG, WEBP, Buffer.from('GIF89a'), Buffer.alloc(0)].map(imageTypeOf)).toEqual(['image/png', 'image/jpeg', 'image/webp', null, null]);
  });
});

describe('fromImagesResponse', () => {
  it('decodes each image, with the revised prompt, what the provider reports making, and its tokens', () => {
    const wire = {
      data: [{ b64_json: PNG.toString('base64'), revised_prompt: 'a red fox' }, { b64_json: JPEG.toString('base64') }],
      size: '1024x1024',
      quality: 'low',
      output_format: 'png',
      usage: { input_tokens: 3, output_tokens: 544 },
    };
    expect(fromImagesResponse('openai', wire, request)).toEqual({
      images: [
        { data: PNG, contentType: 'image/png', revisedPrompt: 'a red fox' },
        { data: JPEG, contentType: 'image/jpeg' },
      ],
      model: 'gpt-image-1',
      size: '1024x1024',
      quality: 'low',
      outputFormat: 'png',
      usage: { inputTokens: 3, outputTokens: 544 },
    });
  });

  it.each([
    ['fewer images than asked', { data: [{ b64_json: PNG.toString('base64') }] }, /1 images for n=2/],
    ['a url instead of the bytes', { data: [{ url: 'https://x/1.png' }, { b64_json: PNG.toString('base64') }] }, /no b64_json \(only a url/],
    [
      'bytes that are no image',
      { data: [{ b64_json: PNG.toString('base64') }, { b64_json: Buffer.from('hello').toString('base64') }] },
      /image 1 is not a PNG/,
    ],
  ])('refuses %s as a broken answer another provider may do better', (_name, wire, message) => {
    expect(() => fromImagesResponse('openai', wire, request)).toThrow(
      expect.objectContaining({ code: 'provider_unavailable', message: expect.stringMatching(message) }),
    );
  });
});
