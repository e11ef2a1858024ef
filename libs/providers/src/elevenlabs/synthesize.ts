import type { CallContext, TtsProvider, TtsRequest, TtsResponse } from '../provider';
import { audioAnswer, callUpstream, jsonBody } from '../engine';
import { readElevenLabsError } from './errors';
import { ELEVENLABS_LANGUAGES } from './languages';
import type { WireRequest } from './wire.schema';

/** MP3 at 44.1 kHz, 128 kbps: available on every plan (higher bitrates and 44.1 kHz PCM are not). */
export const ELEVENLABS_OUTPUT_FORMAT = 'mp3_44100_128';

/**
 * The `output_format` for a job's format, and what the answer then is. ElevenLabs makes MP3
 * and raw PCM at 24 kHz (OpenAI's `pcm`) on every plan; any other format is asked as MP3 and
 * converted by the worker.
 */
export function elevenLabsOutput(format: TtsRequest['format']): { outputFormat: string; contentType: string } {
  if (format === 'pcm') return { outputFormat: 'pcm_24000', contentType: 'audio/pcm;rate=24000' };
  return { outputFormat: ELEVENLABS_OUTPUT_FORMAT, contentType: 'audio/mpeg' };
}

/** ElevenLabs' documented `voice_settings.speed` range; it answers 400 outside it. */
const MIN_SPEED = 0.7;
const MAX_SPEED = 1.2;

export interface ElevenLabsOptions {
  /** @defaultValue `'elevenlabs'` */
  name?: string;
  /** Without the version segment, e.g. `https://api.elevenlabs.io`. */
  baseUrl: string;
  apiKey: string;
  /** e.g. `eleven_multilingual_v2`, `eleven_flash_v2_5`. */
  defaultModel: string;
  /** The voice id when a job names none, e.g. `21m00Tcm4TlvDq8ikWAM` (Rachel). */
  defaultVoice: string;
  /**
   * Languages the model speaks, as BCP-47 primary subtags.
   * @defaultValue `eleven_multilingual_v2`'s 29 ({@link ELEVENLABS_LANGUAGES})
   */
  languages?: readonly string[] | '*';
}

/** Our request → the body; `voice_settings` only when the speed differs from the voice's own. */
export function toWireRequest(request: TtsRequest, model: string): WireRequest {
  const body: WireRequest = { text: request.text, model_id: model };
  const speed = Math.min(MAX_SPEED, Math.max(MIN_SPEED, request.speed));
  if (speed !== 1) body.voice_settings = { speed };
  return body;
}

/** Text to speech with ElevenLabs: MP3 (no duration in the result), or PCM when the job asks for it. */
export function createElevenLabsTts(options: ElevenLabsOptions): TtsProvider {
  const { apiKey, defaultModel, defaultVoice } = options;
  const name = options.name ?? 'elevenlabs';
  const base = options.baseUrl.replace(/\/+$/, '');
  const headers = { 'xi-api-key': apiKey };
  const answer = audioAnswer();

  async function synthesize(request: TtsRequest, ctx: CallContext): Promise<TtsResponse> {
    const model = request.model ?? defaultModel;
    const voice = encodeURIComponent(request.voice ?? defaultVoice);
    const { outputFormat, contentType } = elevenLabsOutput(request.format);
    const url = `${base}/v1/text-to-speech/${voice}?output_format=${outputFormat}`;
    const body = jsonBody(toWireRequest(request, model));
    const { audio } = await callUpstream({ provider: name, url, headers, body, answer, readError: readElevenLabsError, signal: ctx.signal });
    return { audio, contentType, model, ...(request.format === 'pcm' ? { durationSeconds: audio.length / 48_000 } : {}) };
  }

  return { name, capability: 'tts', languages: options.languages ?? ELEVENLABS_LANGUAGES, defaultModel, synthesize };
}
