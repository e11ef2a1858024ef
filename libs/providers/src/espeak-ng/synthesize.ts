import { errors } from '@voxq/errors';
import type { CallContext, TtsProvider, TtsRequest, TtsResponse } from '../provider';
import { excerpt } from '../shared/excerpt';
import { runProcess } from '../shared/run-process';
import type { Semaphore } from '../shared/semaphore';
import { readWav, withExactWavSizes } from '@voxq/wav';
import { ESPEAK_LANGUAGES } from './languages';

export const ESPEAK_NAME = 'espeak-ng';
const INSTALL_HINT = 'apt-get install -y espeak-ng';

/** espeak-ng's own words-per-minute range; outside it the engine clamps or refuses. */
const MIN_WPM = 80;
const MAX_WPM = 450;
const BASE_WPM = 175;
/** A voice name goes into argv, so it must not be able to look like a flag. */
const VOICE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_+-]{0,63}$/;

export interface EspeakNgOptions {
  /** @defaultValue `'espeak-ng'` */
  bin?: string;
  limiter: Semaphore;
}

/** The voice to use: the request's, else the intent language lower-cased (`en-US` → `en-us`). */
export function espeakVoice(request: Pick<TtsRequest, 'voice' | 'language'>): string {
  return request.voice ?? request.language.toLowerCase();
}

export function espeakWordsPerMinute(speed: number): number {
  return Math.min(MAX_WPM, Math.max(MIN_WPM, Math.round(BASE_WPM * speed)));
}

/** Fixed argv: the text itself goes through stdin. */
export function espeakArgs(request: Pick<TtsRequest, 'voice' | 'language' | 'speed'>): string[] {
  return ['--stdin', '--stdout', '-v', espeakVoice(request), '-s', String(espeakWordsPerMinute(request.speed))];
}

/** Text to speech with the local espeak-ng binary: no key, no network, robotic but instant. */
export function createEspeakNgTts(options: EspeakNgOptions): TtsProvider {
  const bin = options.bin ?? 'espeak-ng';

  async function synthesize(request: TtsRequest, ctx: CallContext): Promise<TtsResponse> {
    const voice = espeakVoice(request);
    if (!VOICE_PATTERN.test(voice)) throw errors.providerRejectedInput(ESPEAK_NAME, `invalid voice '${voice}'`);
    if (request.text.trim() === '') throw errors.providerRejectedInput(ESPEAK_NAME, 'text is empty');

    const result = await runProcess({
      provider: ESPEAK_NAME,
      bin,
      args: espeakArgs(request),
      stdin: request.text,
      signal: ctx.signal,
      limiter: options.limiter,
      installHint: INSTALL_HINT,
    });
    if (result.exitCode !== 0) {
      if (/voice does not exist/i.test(result.stderr)) {
        throw errors.providerRejectedInput(ESPEAK_NAME, `no voice '${voice}' (see \`espeak-ng --voices\`)`);
      }
      throw errors.providerUnavailable(ESPEAK_NAME, `exited with ${result.exitCode}: ${excerpt(result.stderr) || 'no stderr'}`);
    }

    let audio: Buffer;
    let durationSeconds: number;
    try {
      audio = withExactWavSizes(result.stdout);
      durationSeconds = readWav(audio).durationSeconds;
    } catch (error) {
      throw errors.providerUnavailable(ESPEAK_NAME, `wrote an unreadable WAV: ${(error as Error).message}`, error);
    }
    return { audio, contentType: 'audio/wav', model: request.model ?? ESPEAK_NAME, durationSeconds };
  }

  return { name: ESPEAK_NAME, capability: 'tts', languages: ESPEAK_LANGUAGES, defaultModel: ESPEAK_NAME, synthesize };
}
