import type { TranscribeResult, TranscriptSegment } from '@voxq/contracts';

/** The `response_format`s of `/v1/audio/transcriptions` and `/translations`, in OpenAI's order. */
export const TRANSCRIPTION_FORMATS = ['json', 'text', 'srt', 'verbose_json', 'vtt'] as const;
export type TranscriptionFormat = (typeof TRANSCRIPTION_FORMATS)[number];

/** A rendered transcript: JSON formats give an object for `res.json`, the others the text to send. */
export interface RenderedTranscription {
  contentType: string;
  body: string | object;
}

// OpenAI sends text, srt and vtt as plain text; the SDKs return such a body as a string.
const PLAIN_TEXT = 'text/plain; charset=utf-8';
const JSON_TYPE = 'application/json';

const languageNames = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });

/** Whisper names languages in lower case (`english`), not by code; a tag Intl cannot name stays a tag. */
function whisperLanguageName(tag: string): string {
  const primary = tag.split('-')[0] ?? tag;
  try {
    return languageNames.of(primary)?.toLowerCase() ?? tag;
  } catch {
    // Intl throws on a malformed tag.
    return tag;
  }
}

/**
 * `HH:MM:SS,mmm` (SRT) or `HH:MM:SS.mmm` (VTT), rounded to the millisecond; hours go past 99
 * rather than wrap.
 */
export function formatTimestamp(seconds: number, separator: ',' | '.'): string {
  const totalMs = Math.round(Math.max(0, seconds) * 1000);
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  const hours = Math.floor(totalMs / 3_600_000);
  const minutes = Math.floor(totalMs / 60_000) % 60;
  const secs = Math.floor(totalMs / 1000) % 60;
  return `${pad(hours)}:${pad(minutes)}:${pad(secs)}${separator}${pad(totalMs % 1000, 3)}`;
}

/**
 * The result's segments; for a result without them (a provider that reports no timings, or
 * one stored before voxq kept them), one segment spanning the audio. No speech, no segments.
 */
export function segmentsOf(result: TranscribeResult): TranscriptSegment[] {
  if (result.segments?.length) return result.segments;
  const text = result.text.trim();
  return text ? [{ start: 0, end: result.usage.audioSeconds, text }] : [];
}

/** SRT and VTT cues: `-->` would end a cue's timing line early, so it becomes `->` (as Whisper writes it). */
const cues = (result: TranscribeResult) =>
  segmentsOf(result)
    .map((segment) => ({ ...segment, text: segment.text.trim().replaceAll('-->', '->') }))
    .filter((segment) => segment.text);

/**
 * A finished transcription as OpenAI answers it in `format`: `json` `{text, usage}`, `text`
 * the transcript and a newline, `srt` and `vtt` one cue per segment, `verbose_json` Whisper's
 * fields with zeros for the decoder statistics voxq does not have, its `segments` and/or
 * `words` as `granularities` ask (OpenAI's `timestamp_granularities[]`, `segment` by
 * default). `language` (the request's) stands in when the result names none.
 */
export function renderTranscription(
  format: TranscriptionFormat,
  result: TranscribeResult,
  task: 'transcribe' | 'translate',
  language?: string,
  granularities: ReadonlyArray<'segment' | 'word'> = ['segment'],
): RenderedTranscription {
  // Whisper bills by the started second.
  const usage = { type: 'duration', seconds: Math.ceil(result.usage.audioSeconds) };
  switch (format) {
    case 'json':
      return { contentType: JSON_TYPE, body: { text: result.text, usage } };
    case 'text':
      return { contentType: PLAIN_TEXT, body: `${result.text}\n` };
    case 'srt':
      return {
        contentType: PLAIN_TEXT,
        body: cues(result)
          .map((cue, i) => `${i + 1}\n${formatTimestamp(cue.start, ',')} --> ${formatTimestamp(cue.end, ',')}\n${cue.text}\n\n`)
          .join(''),
      };
    case 'vtt':
      return {
        contentType: PLAIN_TEXT,
        body: `WEBVTT\n\n${cues(result)
          .map((cue) => `${formatTimestamp(cue.start, '.')} --> ${formatTimestamp(cue.end, '.')}\n${cue.text}\n\n`)
          .join('')}`,
      };
    case 'verbose_json': {
      const spoken = result.language ?? language;
      return {
        contentType: JSON_TYPE,
        body: {
          task,
          // Without either, voxq's default intent language.
          language: whisperLanguageName(spoken ?? 'en'),
          duration: result.usage.audioSeconds,
          text: result.text,
          // Silence has no words: an empty list, as Whisper answers it.
          ...(granularities.includes('word') ? { words: (result.words ?? []).map(({ word, start, end }) => ({ word, start, end })) } : {}),
          ...(granularities.includes('segment') ? { segments: verboseSegments(result) } : {}),
          usage,
        },
      };
    }
  }
}

/** Whisper's segment objects, from the result's segments. */
function verboseSegments(result: TranscribeResult) {
  return segmentsOf(result).map((segment, id) => ({
    id,
    // Whisper's seek: the start of the 30 s window decoded, in 10 ms frames.
    seek: Math.floor(segment.start / 30) * 3000,
    start: segment.start,
    end: segment.end,
    text: segment.text,
    tokens: [],
    temperature: 0,
    avg_logprob: 0,
    compression_ratio: 0,
    no_speech_prob: 0,
  }));
}
