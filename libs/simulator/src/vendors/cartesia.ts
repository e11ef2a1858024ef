import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { pcmToWav } from '@voxq/wav';
import { mp3Frames, pcmTone, pcmToneF32, speechSeconds } from '../audio';
import { headerValue, INVALID_KEY, json, retryAfterHeader, type SimRequest, type SimResponse, type SimVendor } from '../vendor';

const TITLES: Record<number, string> = {
  400: 'Invalid request',
  401: 'Unauthorized',
  402: 'Payment required',
  403: 'Forbidden',
  404: 'Not found',
  429: 'Too many concurrent requests',
};

/** Cartesia's structured error (`Cartesia-Version: 2026-03-01` on): `{ error_code, title, message, request_id }`. */
function cartesiaError(status: number, message: string, retryAfterSeconds?: number, errorCode: string | null = null): SimResponse {
  const title = TITLES[status] ?? (status >= 500 ? 'Internal server error' : 'Request failed');
  const code = errorCode ?? (status === 429 ? 'concurrency_limited' : null);
  return json(status, { error_code: code, title, message, request_id: randomUUID() }, retryAfterHeader(retryAfterSeconds));
}

/** Newer clients may send `Authorization: Bearer`; the 2024-11-13 API documents `X-API-Key`. */
function authenticate(req: SimRequest): SimResponse | null {
  const key = headerValue(req, 'x-api-key') ?? /^Bearer\s+(\S+)$/i.exec(headerValue(req, 'authorization') ?? '')?.[1];
  if (!key) return cartesiaError(401, 'Missing API key. Send it in the X-API-Key header.', undefined, 'missing_api_key');
  if (key === INVALID_KEY) return cartesiaError(401, 'Invalid API key.', undefined, 'invalid_api_key');
  return null;
}

const sampleRate = z.literal([8000, 16000, 22050, 24000, 44100, 48000]);

const ttsRequestSchema = z.looseObject({
  model_id: z.string().min(1),
  transcript: z.string().trim().min(1),
  voice: z.looseObject({ mode: z.literal('id'), id: z.string().min(1) }),
  output_format: z.discriminatedUnion('container', [
    z.looseObject({ container: z.literal('raw'), encoding: z.enum(['pcm_s16le', 'pcm_f32le']), sample_rate: sampleRate }),
    z.looseObject({ container: z.literal('wav'), encoding: z.enum(['pcm_s16le', 'pcm_f32le']), sample_rate: sampleRate }),
    z.looseObject({ container: z.literal('mp3'), sample_rate: sampleRate, bit_rate: z.number().int().optional() }),
  ]),
  language: z.string().min(2).optional(),
  speed: z.enum(['slow', 'normal', 'fast']).optional(),
});

/** `speed` steps as a rate factor, so the audio length shows what was asked for. */
const SPEED_FACTOR = { slow: 0.8, normal: 1, fast: 1.25 } as const;

function ttsBytes(req: SimRequest): SimResponse {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(headerValue(req, 'cartesia-version') ?? '')) {
    return cartesiaError(400, 'Send the Cartesia-Version header with an API version, e.g. 2024-11-13.', undefined, 'invalid_version');
  }
  const body = req.json();
  if (body === undefined) return cartesiaError(400, 'Request body is not valid JSON.');
  const parsed = ttsRequestSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return cartesiaError(400, `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`);
  }
  const { transcript, output_format: format, speed } = parsed.data;
  const seconds = speechSeconds(transcript, SPEED_FACTOR[speed ?? 'normal']);
  if (format.container === 'mp3') return { status: 200, headers: { 'content-type': 'audio/mpeg' }, body: mp3Frames(seconds) };
  const float = format.encoding === 'pcm_f32le';
  const pcm = float ? pcmToneF32(seconds, format.sample_rate) : pcmTone(seconds, format.sample_rate);
  if (format.container === 'wav')
    return {
      status: 200,
      headers: { 'content-type': 'audio/wav' },
      body: pcmToWav(pcm, { sampleRate: format.sample_rate, encoding: float ? 'pcm_f32le' : 'pcm_s16le' }),
    };
  // Cartesia's OpenAPI promises only `audio/*` and raw PCM has no registered type; clients
  // know the format from their own request, so the simulator sends the generic binary type.
  return { status: 200, headers: { 'content-type': 'application/octet-stream' }, body: pcm };
}

/**
 * Cartesia's wire format (`https://api.cartesia.ai`): `POST /tts/bytes` with `X-API-Key` and
 * a required `Cartesia-Version`, answering a tone whose length follows the transcript.
 */
export const cartesia: SimVendor = {
  name: 'cartesia',
  basePath: '',
  routes: [{ method: 'POST', path: /^\/tts\/bytes$/, handle: ttsBytes }],
  authenticate,
  error: (status, message, retryAfterSeconds) => cartesiaError(status, message, retryAfterSeconds),
};
