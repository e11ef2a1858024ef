import { z } from 'zod';
import { pcmToWav } from '@voxq/wav';
import { encodePcm, mp3Frames, pcmTone, speechSeconds } from '../audio';
import { json, type SimRequest, type SimResponse, type VendorRoute } from '../vendor';

/** OpenAI speaks at 24 kHz in `wav` and `pcm`. */
const SAMPLE_RATE = 24_000;

/** The documented `POST /audio/speech` body; fields the simulator has no use for pass through. */
const speechRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.string().min(1).max(4096),
  // A built-in voice name, or `{ id }` for a custom voice.
  voice: z.union([z.string().min(1), z.looseObject({ id: z.string().min(1) })]),
  instructions: z.string().max(4096).optional(),
  response_format: z.enum(['mp3', 'opus', 'aac', 'flac', 'wav', 'pcm']).default('mp3'),
  speed: z.number().min(0.25).max(4).default(1),
});

/** The OpenAI error envelope for a refused request (the vendor's own `error()` covers faults). */
const invalid = (message: string, param: string | null = null): SimResponse =>
  json(400, { error: { message, type: 'invalid_request_error', param, code: null } });

/** What each encoded format is labelled, as OpenAI labels it. */
const ENCODED_TYPES = { opus: 'audio/ogg', aac: 'audio/aac', flac: 'audio/flac' } as const;

async function speech(req: SimRequest): Promise<SimResponse> {
  const body = req.json();
  if (body === undefined) return invalid('We could not parse the JSON body of your request.');
  const parsed = speechRequestSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const param = issue?.path.join('.') || null;
    return invalid(`Invalid '${param ?? 'body'}': ${issue?.message ?? 'invalid body'}`, param);
  }
  const { input, response_format: format, speed } = parsed.data;
  const seconds = speechSeconds(input, speed);
  switch (format) {
    case 'wav':
      return { status: 200, headers: { 'content-type': 'audio/wav' }, body: pcmToWav(pcmTone(seconds, SAMPLE_RATE), { sampleRate: SAMPLE_RATE }) };
    case 'pcm':
      return { status: 200, headers: { 'content-type': 'audio/pcm' }, body: pcmTone(seconds, SAMPLE_RATE) };
    case 'mp3':
      return { status: 200, headers: { 'content-type': 'audio/mpeg' }, body: mp3Frames(seconds) };
    default: {
      // Real encoded bytes (ffmpeg), so the Content-Type is true all the way to the client.
      const encoded = await encodePcm(pcmTone(seconds, SAMPLE_RATE), SAMPLE_RATE, format).catch((error: Error) => error);
      if (encoded instanceof Error)
        return json(500, { error: { message: `The simulator could not encode ${format}: ${encoded.message}`, type: 'server_error', param: null, code: null } });
      return { status: 200, headers: { 'content-type': ENCODED_TYPES[format] }, body: encoded };
    }
  }
}

/**
 * OpenAI-style `POST <base>/audio/speech`: a deterministic tone whose length follows the
 * input (60 ms a character, divided by `speed`), in the format asked for (opus, aac and flac
 * encoded by ffmpeg).
 */
export function speechRoutes(basePattern: string): VendorRoute[] {
  return [{ method: 'POST', path: new RegExp(`^${basePattern}/audio/speech$`), handle: speech }];
}
