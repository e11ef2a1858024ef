import { errors } from '@voxq/errors';
import type { CallContext, TtsProvider, TtsRequest, TtsResponse } from '../provider';
import { audioAnswer, callUpstream, jsonBody } from '../engine';
import { readCartesiaError } from './errors';
import { CARTESIA_LANGUAGES } from './languages';
import type { CartesiaSampleRate, WireRequest } from './wire.schema';

/** 16-bit samples. */
const BYTES_PER_SAMPLE = 2;

export interface CartesiaOptions {
  /** @defaultValue `'cartesia'` */
  name?: string;
  /** e.g. `https://api.cartesia.ai`. */
  baseUrl: string;
  apiKey: string;
  /** The `Cartesia-Version` header, e.g. `2024-11-13`: it selects the API's behaviour. */
  version: string;
  /** e.g. `sonic-2`. */
  defaultModel: string;
  /** The voice id when a job names none. */
  defaultVoice: string;
  /** @defaultValue 24000 */
  sampleRate?: CartesiaSampleRate;
  /**
   * Languages the model speaks, as BCP-47 primary subtags.
   * @defaultValue the 15 Cartesia documents ({@link CARTESIA_LANGUAGES})
   */
  languages?: readonly string[] | '*';
}

/**
 * Our numeric speed (0.25–4, 1 normal) → Cartesia's three steps; undefined at `normal`, the
 * documented default. The thresholds sit a quarter of the way to each neighbour.
 */
export function cartesiaSpeed(speed: number): WireRequest['speed'] {
  if (speed <= 0.8) return 'slow';
  if (speed >= 1.25) return 'fast';
  return undefined;
}

/** Our request → the `/tts/bytes` body. `language` takes the primary subtag (`pt-BR` → `pt`). */
export function toWireRequest(request: TtsRequest, defaults: { model: string; voice: string; sampleRate: CartesiaSampleRate }): WireRequest {
  const body: WireRequest = {
    model_id: request.model ?? defaults.model,
    transcript: request.text,
    voice: { mode: 'id', id: request.voice ?? defaults.voice },
    output_format: { container: 'raw', encoding: 'pcm_s16le', sample_rate: defaults.sampleRate },
    language: (request.language.split('-')[0] ?? request.language).toLowerCase(),
  };
  const speed = cartesiaSpeed(request.speed);
  if (speed) body.speed = speed;
  return body;
}

/**
 * Text to speech with Cartesia Sonic over `/tts/bytes`. The answer is raw PCM whatever its
 * content type says (the API promises only `audio/*`), so the result is labelled with the
 * format we asked for, `audio/pcm;rate=<rate>`, and its duration follows from its length.
 */
export function createCartesiaTts(options: CartesiaOptions): TtsProvider {
  const { apiKey, version, defaultModel, defaultVoice } = options;
  const name = options.name ?? 'cartesia';
  const sampleRate = options.sampleRate ?? 24_000;
  const url = `${options.baseUrl.replace(/\/+$/, '')}/tts/bytes`;
  const headers = { 'x-api-key': apiKey, 'cartesia-version': version };
  const answer = audioAnswer();

  async function synthesize(request: TtsRequest, ctx: CallContext): Promise<TtsResponse> {
    const wire = toWireRequest(request, { model: defaultModel, voice: defaultVoice, sampleRate });
    const { audio } = await callUpstream({ provider: name, url, headers, body: jsonBody(wire), answer, readError: readCartesiaError, signal: ctx.signal });
    if (audio.length % BYTES_PER_SAMPLE !== 0) {
      throw errors.providerUnavailable(name, `malformed response: ${audio.length} bytes is not whole 16-bit samples`);
    }
    return {
      audio,
      contentType: `audio/pcm;rate=${sampleRate}`,
      model: wire.model_id,
      durationSeconds: audio.length / (BYTES_PER_SAMPLE * sampleRate),
    };
  }

  return { name, capability: 'tts', languages: options.languages ?? CARTESIA_LANGUAGES, defaultModel, synthesize };
}
