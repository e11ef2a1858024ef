import type { TranscriptSegment, TranscriptWord } from '@voxq/contracts';
import type { SttRequest, SttResponse } from '../provider';
import { pcmToWav } from '@voxq/wav';
import { audioDurationSeconds, audioExtension, pcmLayout } from '../shared/audio';
import type { MultipartFields, MultipartFile } from '../engine';
import type { WireTranscription } from './transcribe.wire.schema';
import { whisperLanguageCode } from './whisper-languages';

/**
 * Longest keyword prompt sent, in characters. Whisper reads only the last 224 tokens of a
 * prompt (more are cut silently, from the front); at ~4 characters a token for Latin text,
 * 600 leaves room for proper nouns, which split into more tokens than common words.
 */
export const MAX_WHISPER_PROMPT_CHARS = 600;

/**
 * The keywords as Whisper's `prompt`: comma-joined, in the caller's order and casing. The
 * prompt is a style and vocabulary hint (text the model takes as already said), not a list
 * it must match, so the spellings it holds are the ones it leans to. Keywords are kept whole
 * while they fit under {@link MAX_WHISPER_PROMPT_CHARS}; the rest are left out rather than cut.
 */
export function whisperPrompt(keywords: readonly string[]): string | undefined {
  let prompt = '';
  for (const keyword of keywords) {
    const next = prompt ? `${prompt}, ${keyword}` : keyword;
    if (next.length > MAX_WHISPER_PROMPT_CHARS) break;
    prompt = next;
  }
  return prompt || undefined;
}

/** The multipart form of one transcription request. */
export interface TranscriptionForm {
  fields: MultipartFields;
  file: MultipartFile;
}

/**
 * Our request → the `/audio/transcriptions` (or `/audio/translations`) form. Whisper tells
 * formats by the file name's extension, so the name must match the audio; raw PCM, which it
 * does not take, goes as WAV. Null when the format cannot be told, so the caller can let
 * another provider try. Word timings cost latency, so they are asked for only when wanted;
 * asking for words alone would drop the segments, so both are named. Keywords go as the prompt.
 */
export function toTranscriptionForm(request: SttRequest, model: string, task: 'transcribe' | 'translate' = 'transcribe'): TranscriptionForm | null {
  const pcm = pcmLayout(request.contentType);
  const extension = pcm ? 'wav' : audioExtension(request.contentType, request.audio);
  if (!extension) return null;
  const fields: Record<string, string | string[]> = { model, response_format: 'verbose_json' };
  // The API takes ISO-639-1 only; for any other primary subtag Whisper detects the language.
  // A translation takes no language: it always answers in English.
  const language = request.language.split('-')[0]?.toLowerCase() ?? '';
  if (task === 'transcribe' && /^[a-z]{2}$/.test(language)) fields.language = language;
  if (task === 'transcribe' && request.words) fields['timestamp_granularities[]'] = ['segment', 'word'];
  // Both endpoints take a prompt (a translation's guides the English it writes).
  const prompt = request.keywords ? whisperPrompt(request.keywords) : undefined;
  if (prompt) fields.prompt = prompt;
  return {
    fields,
    file: {
      field: 'file',
      filename: `audio.${extension}`,
      contentType: pcm ? 'audio/wav' : request.contentType,
      data: pcm ? pcmToWav(request.audio, pcm) : request.audio,
    },
  };
}

/**
 * A confidence from the segments' mean token log-probabilities: the exponential of their
 * mean, weighted by segment length (a geometric mean of token probabilities). Undefined
 * when no segment carries one.
 */
export function confidenceFromSegments(segments: WireTranscription['segments']): number | undefined {
  let weighted = 0;
  let total = 0;
  for (const segment of segments ?? []) {
    if (segment.avg_logprob == null) continue;
    const length = segment.start != null && segment.end != null ? segment.end - segment.start : 0;
    // A zero-length (or unreported) segment still counts, a little.
    const weight = Math.max(length, 0.01);
    weighted += segment.avg_logprob * weight;
    total += weight;
  }
  if (total === 0) return undefined;
  const confidence = Math.min(1, Math.max(0, Math.exp(weighted / total)));
  return Math.round(confidence * 10_000) / 10_000;
}

/**
 * The segments Whisper timed, trimmed, in order. Undefined when the server sent none or left
 * out any segment's timing or text (a partial list would misplace the transcript).
 */
export function segmentsFromWire(segments: WireTranscription['segments']): TranscriptSegment[] | undefined {
  if (!segments?.length) return undefined;
  const timed: TranscriptSegment[] = [];
  for (const { start, end, text } of segments) {
    if (start == null || end == null || text == null) return undefined;
    const from = Math.max(0, start);
    timed.push({ start: from, end: Math.max(from, end), text: text.trim() });
  }
  return timed;
}

/** The words Whisper timed, trimmed; undefined when it sent none (words were not asked for). */
export function wordsFromWire(words: WireTranscription['words']): TranscriptWord[] | undefined {
  if (!words?.length) return undefined;
  return words.map(({ word, start, end }) => {
    const from = Math.max(0, start);
    return { word: word.trim(), start: from, end: Math.max(from, end) };
  });
}

/**
 * The `verbose_json` answer → ours. The API names no model, so the requested one stands. A
 * translation is in English whatever was spoken.
 */
export function fromWireTranscription(
  response: WireTranscription,
  request: SttRequest,
  model: string,
  task: 'transcribe' | 'translate' = 'transcribe',
): SttResponse {
  const reported = response.language ? whisperLanguageCode(response.language) : undefined;
  const requested = task === 'translate' ? 'en' : request.language.split('-')[0]?.toLowerCase();
  const confidence = confidenceFromSegments(response.segments);
  const segments = segmentsFromWire(response.segments);
  const words = wordsFromWire(response.words);
  return {
    text: response.text.trim(),
    model,
    // Whisper answers in the language it was told; a name we cannot read falls back to that.
    ...((reported ?? requested) ? { language: task === 'translate' ? 'en' : (reported ?? requested) } : {}),
    durationSeconds: response.duration ?? audioDurationSeconds(request.audio, request.contentType),
    ...(confidence === undefined ? {} : { confidence }),
    ...(segments === undefined ? {} : { segments }),
    ...(words === undefined ? {} : { words }),
  };
}
