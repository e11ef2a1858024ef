import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { z } from 'zod';
import { json, type SimRequest, type SimResponse, type VendorRoute } from '../vendor';

/** The side of every simulated image, in pixels: small, so answers stay a few hundred bytes. */
export const SIMULATED_IMAGE_SIDE = 8;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** One PNG chunk: length, type, data, CRC of type and data. */
function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** The seed of a simulated image: a SHA-256 of the model, prompt and index. */
export const imageSeed = (model: string, prompt: string, index: number) => createHash('sha256').update(`${model}\u0000${prompt}\u0000${index}`).digest();

/**
 * A real PNG (8×8 RGB, one colour per row) whose colours come from its seed: the same request
 * draws the same picture, another prompt another one.
 */
export function simulatedPng(seed: Buffer): Buffer {
  const side = SIMULATED_IMAGE_SIDE;
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, deflate, no filter method, no interlace
  const rows = Buffer.alloc(side * (1 + side * 3));
  for (let y = 0; y < side; y++) {
    const row = y * (1 + side * 3); // each row starts with filter type 0
    for (let x = 0; x < side; x++) rows.set(seed.subarray((y * 3) % 30, ((y * 3) % 30) + 3), row + 1 + x * 3);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

/** The GPT image models answer base64 only, report what they made and their tokens; DALL·E 3 revises the prompt. */
const isGptImage = (model: string) => model.startsWith('gpt-image') || model.startsWith('chatgpt-image');

/** The documented `POST /images/generations` body; fields the simulator has no use for pass through. */
const imagesRequestSchema = z.looseObject({
  model: z.string().min(1).default('dall-e-2'),
  prompt: z.string().min(1),
  n: z.number().int().min(1).max(10).default(1),
  size: z.string().optional(),
  quality: z.string().optional(),
  output_format: z.enum(['png', 'jpeg', 'webp']).optional(),
  response_format: z.enum(['url', 'b64_json']).optional(),
});

const invalid = (message: string, param: string | null = null): SimResponse =>
  json(400, { error: { message, type: 'invalid_request_error', param, code: null } });

/** Where a URL answer points: the simulator serves the picture again from its seed (`GET …/images/simulated/<seed>.png`). */
const imageUrl = (req: SimRequest, mount: string, seed: Buffer) =>
  `http://${req.headers.host ?? 'localhost'}${mount}/images/simulated/${seed.toString('hex')}.png`;

function generations(req: SimRequest, mount: string): SimResponse {
  const body = req.json();
  if (body === undefined) return invalid('We could not parse the JSON body of your request.');
  const parsed = imagesRequestSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const param = issue?.path.join('.') || null;
    return invalid(`Invalid '${param ?? 'body'}': ${issue?.message ?? 'invalid body'}`, param);
  }
  const { model, prompt, n, response_format: format } = parsed.data;
  const gpt = isGptImage(model);
  // As OpenAI does: the GPT image models take no response_format, DALL·E 3 one image at a time, and PNG is all the simulator draws.
  if (gpt && format !== undefined) return invalid("Unknown parameter: 'response_format'.", 'response_format');
  if (model === 'dall-e-3' && n > 1) return invalid("Invalid 'n': dall-e-3 only supports n=1.", 'n');
  if (parsed.data.output_format && parsed.data.output_format !== 'png') return invalid('The simulator draws PNG only.', 'output_format');
  const created = Math.floor(Date.now() / 1000);
  const data = Array.from({ length: n }, (_, index) => {
    const seed = imageSeed(model, prompt, index);
    const revised = model === 'dall-e-3' ? { revised_prompt: `A detailed picture of ${prompt}` } : {};
    return format === 'url' ? { url: imageUrl(req, mount, seed), ...revised } : { b64_json: simulatedPng(seed).toString('base64'), ...revised };
  });
  const size = parsed.data.size ?? '1024x1024';
  return json(
    200,
    gpt
      ? {
          created,
          data,
          background: 'opaque',
          output_format: 'png',
          quality: parsed.data.quality === 'auto' || !parsed.data.quality ? 'medium' : parsed.data.quality,
          size: size === 'auto' ? '1024x1024' : size,
          usage: {
            input_tokens: Math.ceil(prompt.length / 4),
            input_tokens_details: { text_tokens: Math.ceil(prompt.length / 4), image_tokens: 0 },
            output_tokens: 272 * n,
            total_tokens: Math.ceil(prompt.length / 4) + 272 * n,
          },
        }
      : { created, data },
  );
}

/**
 * OpenAI-style `POST <base>/images/generations`: small deterministic PNGs, base64 or (DALL·E,
 * as OpenAI's default) a URL the simulator serves. `mount` is the base's full path on the
 * simulator (`/openai/v1`), for those URLs.
 */
export function imageRoutes(basePattern: string, mount: string): VendorRoute[] {
  return [
    { method: 'POST', path: new RegExp(`^${basePattern}/images/generations$`), handle: (req) => generations(req, mount) },
    {
      method: 'GET',
      public: true,
      path: new RegExp(`^${basePattern}/images/simulated/(?<seed>[0-9a-f]{64})\\.png$`),
      handle: (req) => ({ status: 200, headers: { 'content-type': 'image/png' }, body: simulatedPng(Buffer.from(req.params['seed']!, 'hex')) }),
    },
  ];
}
