import { SPEECH_FORMAT_TYPES, type SpeechFormat } from '@voxq/contracts';
import { AppError, ERROR_CODES, isAppError } from '@voxq/errors';
import { readWav, withExactWavSizes } from '@voxq/wav';
import { excerpt } from './excerpt';
import { mediaType, pcmLayout } from './audio';
import { runProcess } from './run-process';
import type { Semaphore } from './semaphore';

/** OpenAI's `pcm`: 24 kHz mono 16-bit little-endian, no header. */
const PCM_RATE = 24_000;

/** What each format's container is called by media type, as vendors and ffmpeg label it. */
const FORMAT_TYPES: Readonly<Record<Exclude<SpeechFormat, 'pcm'>, readonly string[]>> = {
  mp3: ['audio/mpeg', 'audio/mp3'],
  opus: ['audio/ogg', 'audio/opus'],
  aac: ['audio/aac', 'audio/x-aac'],
  flac: ['audio/flac', 'audio/x-flac'],
  wav: ['audio/wav', 'audio/wave', 'audio/x-wav', 'audio/vnd.wave'],
};

/** Whether audio labelled `contentType` already is `format` (PCM only at 24 kHz mono). */
export function isSpeechFormat(contentType: string, format: SpeechFormat): boolean {
  if (format !== 'pcm') return FORMAT_TYPES[format].includes(mediaType(contentType));
  const pcm = pcmLayout(contentType);
  return pcm !== null && pcm.sampleRate === PCM_RATE && pcm.channels === 1;
}

/** ffmpeg's output options per format; every one of them can be written to a pipe (no seeking). */
const OUTPUT_ARGS: Readonly<Record<SpeechFormat, readonly string[]>> = {
  mp3: ['-c:a', 'libmp3lame', '-b:a', '128k', '-f', 'mp3'],
  // Opus runs at 48 kHz; ffmpeg would otherwise refuse espeak-ng's 22.05 kHz.
  opus: ['-c:a', 'libopus', '-b:a', '64k', '-ar', '48000', '-f', 'ogg'],
  aac: ['-c:a', 'aac', '-b:a', '128k', '-f', 'adts'],
  flac: ['-c:a', 'flac', '-f', 'flac'],
  wav: ['-c:a', 'pcm_s16le', '-f', 'wav'],
  pcm: ['-c:a', 'pcm_s16le', '-ar', String(PCM_RATE), '-ac', '1', '-f', 's16le'],
};

/** Errors only on stderr, which becomes the failure's message. */
const QUIET = ['-hide_banner', '-loglevel', 'error'];

/** How ffmpeg must read the input: headerless PCM needs its layout spelled out, containers it sniffs. */
function inputArgs(contentType: string): string[] {
  const pcm = pcmLayout(contentType);
  return pcm ? ['-f', 's16le', '-ar', String(pcm.sampleRate), '-ac', String(pcm.channels)] : [];
}

export interface SpeechTranscoderOptions {
  /** @defaultValue `'ffmpeg'` */
  bin?: string;
  /** ffmpeg is CPU-bound like the local engines: it waits for a slot of its own limit. */
  limiter: Semaphore;
}

export interface TranscodedSpeech {
  audio: Buffer;
  contentType: string;
  /** Told by WAV's header and raw PCM's length; compressed formats leave the source's. */
  durationSeconds?: number;
}

/** Converts a provider's speech to the format a job asked for. */
export interface SpeechTranscoder {
  transcode(audio: Buffer, contentType: string, format: SpeechFormat, signal: AbortSignal): Promise<TranscodedSpeech>;
}

const failure = (code: 'transcoder_unavailable' | 'transcode_failed', message: string, cause?: unknown) =>
  new AppError({ code, ...ERROR_CODES[code], type: 'api_error', message, cause });

/**
 * Speech format conversion with ffmpeg, the audio piped through its stdin and stdout (no
 * temporary files). Its failures are the worker's, not the provider's: another provider's
 * audio would need the same ffmpeg, so nothing here fails over or retries.
 */
export function createSpeechTranscoder(options: SpeechTranscoderOptions): SpeechTranscoder {
  const bin = options.bin ?? 'ffmpeg';
  return {
    async transcode(audio, contentType, format, signal) {
      const input = [...QUIET, ...inputArgs(contentType), '-i', 'pipe:0'];
      const args = [...input, '-vn', '-map_metadata', '-1', ...OUTPUT_ARGS[format], 'pipe:1'];
      const result = await runProcess({
        provider: 'ffmpeg',
        bin,
        args,
        stdin: audio,
        signal,
        limiter: options.limiter,
        installHint: 'apt-get install -y ffmpeg',
      }).catch((error: unknown) => {
        const missing = isAppError(error) && (error.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
        if (!missing) throw error;
        const message = `Converting speech to ${format} needs ffmpeg, which is not installed on the worker (${bin}: apt-get install -y ffmpeg).`;
        throw failure('transcoder_unavailable', message, error);
      });
      if (result.exitCode !== 0 || result.stdout.length === 0) {
        throw failure(
          'transcode_failed',
          `ffmpeg could not convert ${mediaType(contentType)} to ${format}: ${excerpt(result.stderr) || `exit code ${result.exitCode}`}`,
        );
      }
      const type = SPEECH_FORMAT_TYPES[format];
      if (format === 'pcm') return { audio: result.stdout, contentType: type, durationSeconds: result.stdout.length / (PCM_RATE * 2) };
      if (format !== 'wav') return { audio: result.stdout, contentType: type };
      // Written to a pipe, the WAV header cannot be rewound to state the real sizes.
      const wav = withExactWavSizes(result.stdout);
      return { audio: wav, contentType: type, durationSeconds: readWav(wav).durationSeconds };
    },
  };
}
