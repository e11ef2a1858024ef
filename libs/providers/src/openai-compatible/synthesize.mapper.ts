import { SPEECH_FORMAT_TYPES, type SpeechFormat } from '@voxq/contracts';
import { errors } from '@voxq/errors';
import type { TtsRequest, TtsResponse } from '../provider';
import { readWav, withExactWavSizes } from '@voxq/wav';

/** Every format of OpenAI's speech `response_format`: the server makes each one itself. */
export type { SpeechFormat };

/** `POST /audio/speech`, as far as voxq speaks it. Stays in this folder. */
export interface SpeechWireRequest {
  model: string;
  input: string;
  voice: string;
  response_format: SpeechFormat;
  speed?: number;
  /** The speaking style, for the models that take one (`gpt-4o-mini-tts`). */
  instructions?: string;
}

/** OpenAI's documented speed range. */
const MIN_SPEED = 0.25;
const MAX_SPEED = 4;

/**
 * Our request → the speech body: the job's format, else the adapter's; `speed` is left out
 * at 1, the documented default.
 */
export function toSpeechRequest(request: TtsRequest, defaults: { model: string; voice: string; format: SpeechFormat }): SpeechWireRequest {
  const body: SpeechWireRequest = {
    model: request.model ?? defaults.model,
    input: request.text,
    voice: request.voice ?? defaults.voice,
    response_format: request.format ?? defaults.format,
  };
  const speed = Math.min(MAX_SPEED, Math.max(MIN_SPEED, request.speed));
  if (speed !== 1) body.speed = speed;
  if (request.instructions) body.instructions = request.instructions;
  return body;
}

/** An MP3 opens with an ID3 tag or an MPEG frame sync (11 set bits). */
function looksLikeMp3(audio: Buffer): boolean {
  if (audio.length >= 3 && audio.toString('latin1', 0, 3) === 'ID3') return true;
  return audio.length >= 2 && audio[0] === 0xff && ((audio[1] ?? 0) & 0xe0) === 0xe0;
}

/** How each compressed format opens: Ogg pages, the FLAC marker, an ADTS sync (12 set bits, layer 0). */
const LOOKS_LIKE: Readonly<Record<'mp3' | 'opus' | 'flac' | 'aac', (audio: Buffer) => boolean>> = {
  mp3: looksLikeMp3,
  opus: (audio) => audio.toString('latin1', 0, 4) === 'OggS',
  flac: (audio) => audio.toString('latin1', 0, 4) === 'fLaC',
  aac: (audio) => audio.length >= 2 && audio[0] === 0xff && ((audio[1] ?? 0) & 0xf6) === 0xf0,
};

/** OpenAI's `pcm`: 24 kHz mono 16-bit samples. */
const PCM_BYTES_PER_SECOND = 24_000 * 2;

/**
 * The audio of a 2xx answer → ours. The content type is the format we asked for, not the
 * server's label (compatible servers say `audio/x-wav` or `application/octet-stream`), once
 * the bytes confirm it. OpenAI streams WAV with placeholder sizes, so the header is rewritten
 * to the real length and the duration read from it.
 */
export function fromSpeechAudio(provider: string, audio: Buffer, format: SpeechFormat, model: string): TtsResponse {
  if (format === 'pcm') {
    if (audio.length % 2 !== 0) throw errors.providerUnavailable(provider, `malformed response: ${audio.length} bytes is not whole 16-bit samples`);
    return { audio, contentType: SPEECH_FORMAT_TYPES.pcm, model, durationSeconds: audio.length / PCM_BYTES_PER_SECOND };
  }
  if (format !== 'wav') {
    if (!LOOKS_LIKE[format](audio)) throw errors.providerUnavailable(provider, `malformed response: body is not ${format.toUpperCase()}`);
    return { audio, contentType: SPEECH_FORMAT_TYPES[format], model };
  }
  try {
    const wav = withExactWavSizes(audio);
    return { audio: wav, contentType: 'audio/wav', model, durationSeconds: readWav(wav).durationSeconds };
  } catch (error) {
    throw errors.providerUnavailable(provider, `malformed response: ${(error as Error).message}`, error);
  }
}
