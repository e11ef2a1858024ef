import { errors } from '@voxq/errors';
import type { CallContext, TtsProvider, TtsRequest, TtsResponse } from '../provider';
import { audioAnswer, callUpstream, jsonBody } from '../engine';
import { readWav, withExactWavSizes } from '@voxq/wav';
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

/**
 * The `output_format` for a job's format: Cartesia makes MP3 and WAV itself, and raw PCM for
 * the rest (OpenAI's `pcm` at 24 kHz; other formats are converted by the worker).
 */
export function cartesiaOutput(format: TtsRequest['format'], sampleRate: CartesiaSampleRate): WireRequest['output_format'] {
  if (format === 'mp3') return { container: 'mp3', sample_rate: 44_100, bit_rate: 128_000 };
  if (format === 'wav') return { container: 'wav', encoding: 'pcm_s16le', sample_rate: sampleRate };
  return { container: 'raw', encoding: 'pcm_s16le', sample_rate: format === 'pcm' ? 24_000 : sampleRate };
}

/** Our request → the `/tts/bytes` body. `language` takes the primary subtag (`pt-BR` → `pt`). */
export function toWireRequest(request: TtsRequest, defaults: { model: string; voice: string; sampleRate: CartesiaSampleRate }): WireRequest {
  const body: WireRequest = {
    model_id: request.model ?? defaults.model,
    transcript: request.text,
    voice: { mode: 'id', id: request.voice ?? defaults.voice },
    output_format: cartesiaOutput(request.format, defaults.sampleRate),
    language: (request.language.split('-')[0] ?? request.language).toLowerCase(),
  };
  const speed = cartesiaSpeed(request.speed);
  if (speed) body.speed = speed;
  return body;
}

/**
 * Text to speech with Cartesia Sonic over `/tts/bytes`. The answer is in the container we
 * asked for whatever its content type says (the API promises only `audio/*`), so the result
 * is labelled with it: raw PCM as `audio/pcm;rate=<rate>`, its duration from its length.
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
    const output = wire.output_format;
    if (output.container === 'mp3') return { audio, contentType: 'audio/mpeg', model: wire.model_id };
    if (output.container === 'wav') {
      try {
        const wav = withExactWavSizes(audio);
        return { audio: wav, contentType: 'audio/wav', model: wire.model_id, durationSeconds: readWav(wav).durationSeconds };
      } catch (error) {
        throw errors.providerUnavailable(name, `malformed response: ${(error as Error).message}`, error);
      }
    }
    if (audio.length % BYTES_PER_SAMPLE !== 0) {
      throw errors.providerUnavailable(name, `malformed response: ${audio.length} bytes is not whole 16-bit samples`);
    }
    return {
      audio,
      contentType: `audio/pcm;rate=${output.sample_rate}`,
      model: wire.model_id,
      durationSeconds: audio.length / (BYTES_PER_SAMPLE * output.sample_rate),
    };
  }

  return { name, capability: 'tts', languages: options.languages ?? CARTESIA_LANGUAGES, defaultModel, synthesize };
}
