import { z } from 'zod';
import { mp3Frames, pcmTone, speechSeconds } from '../audio';
import { headerValue, INVALID_KEY, json, retryAfterHeader, type SimRequest, type SimResponse, type SimVendor } from '../vendor';

/** `detail.status` codes ElevenLabs sends for a status. */
function statusCode(status: number): string {
  if (status === 401) return 'invalid_api_key';
  if (status === 429) return 'too_many_concurrent_requests';
  if (status >= 500) return 'internal_server_error';
  return 'invalid_request';
}

/** ElevenLabs' error envelope: `{ detail: { status, message } }`. */
function elevenLabsError(status: number, message: string, retryAfterSeconds?: number, code = statusCode(status)): SimResponse {
  return json(status, { detail: { status: code, message } }, retryAfterHeader(retryAfterSeconds));
}

function authenticate(req: SimRequest): SimResponse | null {
  const key = headerValue(req, 'xi-api-key');
  if (!key) return elevenLabsError(401, 'Neither authorization header nor xi-api-key received, please provide one.', undefined, 'needs_authorization');
  if (key === INVALID_KEY) return elevenLabsError(401, 'Invalid API key', undefined, 'invalid_api_key');
  return null;
}

const ttsRequestSchema = z.looseObject({
  text: z.string().trim().min(1),
  model_id: z.string().min(1).optional(),
  language_code: z.string().optional(),
  // The documented range of `speed`; the other settings are accepted as sent.
  voice_settings: z.looseObject({ speed: z.number().min(0.7).max(1.2).optional() }).nullish(),
});

/** A body that fails validation: FastAPI's `{ detail: [{ type, loc, msg }] }` with 422. */
function validationError(error: z.ZodError): SimResponse {
  return json(422, {
    detail: error.issues.map((issue) => ({ type: issue.code, loc: ['body', ...issue.path.map(String)], msg: issue.message })),
  });
}

function textToSpeech(req: SimRequest): SimResponse {
  const body = req.json();
  if (body === undefined) return json(422, { detail: [{ type: 'json_invalid', loc: ['body'], msg: 'JSON decode error' }] });
  const parsed = ttsRequestSchema.safeParse(body);
  if (!parsed.success) return validationError(parsed.error);
  const format = req.query.get('output_format') ?? 'mp3_44100_128';
  const pcmRate = /^pcm_(16000|22050|24000|44100)$/.exec(format)?.[1];
  if (!pcmRate && !/^mp3_\d+_\d+$/.test(format)) {
    return elevenLabsError(400, `The simulator serves mp3_* and pcm_* output formats only, not '${format}'.`, undefined, 'invalid_output_format');
  }
  const seconds = speechSeconds(parsed.data.text, parsed.data.voice_settings?.speed ?? 1);
  // `pcm_*` is headerless 16-bit little-endian mono at that rate.
  if (pcmRate) return { status: 200, headers: { 'content-type': 'audio/pcm' }, body: pcmTone(seconds, Number(pcmRate)) };
  return { status: 200, headers: { 'content-type': 'audio/mpeg' }, body: mp3Frames(seconds) };
}

/**
 * ElevenLabs' wire format (`https://api.elevenlabs.io`): `POST /v1/text-to-speech/{voice_id}`
 * with `xi-api-key`, answering MP3 frames (or PCM for `pcm_*`) whose length follows the text.
 */
export const elevenlabs: SimVendor = {
  name: 'elevenlabs',
  basePath: '',
  routes: [{ method: 'POST', path: /^\/v1\/text-to-speech\/(?<voiceId>[^/]+)$/, handle: textToSpeech }],
  authenticate,
  error: (status, message, retryAfterSeconds) => elevenLabsError(status, message, retryAfterSeconds),
};
