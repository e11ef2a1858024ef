import { errors } from '@voxq/errors';
import type { TtsRequest, TtsResponse } from '../provider';
import { readWav, withExactWavSizes } from '@voxq/wav';

/** The formats voxq asks for: WAV says its own sample rate and length; MP3 is a tenth the size. */
export type SpeechFormat = 'wav' | 'mp3';

/** `POST /audio/speech`, as far as voxq speaks it. Stays in this folder. */
export interface SpeechWireRequest {
  model: string;
  input: string;
  voice: string;
  response_format: SpeechFormat;
  speed?: number;
}

/** OpenAI's documented speed range. */
const MIN_SPEED = 0.25;
const MAX_SPEED = 4;

/** Our request → the speech body; `speed` is left out at 1, the documented default. */
export function toSpeechRequest(request: TtsRequest, defaults: { model: string; voice: string; format: SpeechFormat }): SpeechWireRequest {
  const body: SpeechWireRequest = {
    model: request.model ?? defaults.model,
    input: request.text,
    voice: request.voice ?? defaults.voice,
    response_format: defaults.format,
  };
  const speed = Math.min(MAX_SPEED, Math.max(MIN_SPEED, request.speed));
  if (speed !== 1) body.speed = speed;
  return body;
}

/** An MP3 opens with an ID3 tag or an MPEG frame sync (11 set bits). */
function looksLikeMp3(audio: Buffer): boolean {
  if (audio.length >= 3 && audio.toString('latin1', 0, 3) === 'ID3') return true;
  return audio.length >= 2 && audio[0] === 0xff && ((audio[1] ?? 0) & 0xe0) === 0xe0;
}

/**
 * The audio of a 2xx answer → ours. The content type is the format we asked for, not the
 * server's label (compatible servers say `audio/x-wav` or `application/octet-stream`), once
 * the bytes confirm it. OpenAI streams WAV with placeholder sizes, so the header is rewritten
 * to the real length and the duration read from it.
 */
export function fromSpeechAudio(provider: string, audio: Buffer, format: SpeechFormat, model: string): TtsResponse {
  if (format === 'mp3') {
    if (!looksLikeMp3(audio)) throw errors.providerUnavailable(provider, 'malformed response: body is not MP3');
    return { audio, contentType: 'audio/mpeg', model };
  }
  try {
    const wav = withExactWavSizes(audio);
    return { audio: wav, contentType: 'audio/wav', model, durationSeconds: readWav(wav).durationSeconds };
  } catch (error) {
    throw errors.providerUnavailable(provider, `malformed response: ${(error as Error).message}`, error);
  }
}
