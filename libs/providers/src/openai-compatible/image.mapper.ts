import { errors } from '@voxq/errors';
import type { ImageModelSpec, ImageRequest, ImageResponse, MadeImage } from '../provider';
import type { ImagesWireRequest, WireImages } from './image.wire.schema';

/** Our request → the generations body: each parameter only when set, `response_format` only to a model that takes it. */
export function toImagesRequest(request: ImageRequest, spec: ImageModelSpec): ImagesWireRequest {
  const optional = <K extends keyof ImagesWireRequest>(key: K, value: ImagesWireRequest[K] | undefined) => (value === undefined ? {} : { [key]: value });
  return {
    model: request.model,
    prompt: request.prompt,
    n: request.n,
    ...optional('size', request.size),
    ...optional('quality', request.quality),
    ...optional('style', request.style),
    ...optional('background', request.background),
    ...optional('output_format', request.outputFormat),
    ...optional('output_compression', request.outputCompression),
    ...optional('moderation', request.moderation),
    ...optional('user', request.user),
    ...(spec.takesResponseFormat ? { response_format: 'b64_json' as const } : {}),
  };
}

/** The image type its first bytes say (PNG, JPEG, WebP), or null for anything else. */
export function imageTypeOf(data: Buffer): string | null {
  if (data.length >= 8 && data.readUInt32BE(0) === 0x89504e47 && data.readUInt32BE(4) === 0x0d0a1a0a) return 'image/png';
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  if (data.length >= 12 && data.toString('latin1', 0, 4) === 'RIFF' && data.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  return null;
}

/**
 * A 2xx answer → ours. Fewer images than asked, one without bytes, or bytes that are no
 * image are a broken answer (another provider may do better), never a result missing images.
 */
export function fromImagesResponse(provider: string, wire: WireImages, request: ImageRequest): ImageResponse {
  const malformed = (why: string) => errors.providerUnavailable(provider, `malformed response: ${why}`);
  if (wire.data.length !== request.n) throw malformed(`${wire.data.length} images for n=${request.n}`);
  const images = wire.data.map((item, index): MadeImage => {
    if (!item.b64_json) throw malformed(`image ${index} has no b64_json${item.url ? ' (only a url, which voxq does not fetch)' : ''}`);
    const data = Buffer.from(item.b64_json, 'base64');
    const contentType = imageTypeOf(data);
    if (!contentType) throw malformed(`image ${index} is not a PNG, JPEG or WebP image`);
    return { data, contentType, ...(item.revised_prompt ? { revisedPrompt: item.revised_prompt } : {}) };
  });
  return {
    images,
    model: wire.model || request.model,
    ...(wire.size ? { size: wire.size } : {}),
    ...(wire.quality ? { quality: wire.quality } : {}),
    ...(wire.background ? { background: wire.background } : {}),
    ...(wire.output_format ? { outputFormat: wire.output_format } : {}),
    ...(wire.usage ? { usage: { inputTokens: wire.usage.input_tokens, outputTokens: wire.usage.output_tokens } } : {}),
  };
}
