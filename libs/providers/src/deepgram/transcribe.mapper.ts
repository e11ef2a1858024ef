import type { TranscriptSegment, TranscriptWord } from '@voxq/contracts';
import type { SttRequest, SttResponse } from '../provider';
import { pcmLayout } from '../shared/audio';
import type { ListenResponse } from './wire.schema';

/**
 * Regional tags nova-2 has models for. Deepgram refuses (400) a tag it has no model for,
 * which would fail the job, so any other tag is sent as its primary subtag, always served.
 */
const REGIONAL_TAGS = new Set(
  [
    'en-US',
    'en-AU',
    'en-GB',
    'en-IN',
    'en-NZ',
    'es-419',
    'fr-CA',
    'pt-BR',
    'pt-PT',
    'nl-BE',
    'de-CH',
    'da-DK',
    'ko-KR',
    'sv-SE',
    'th-TH',
    'zh-CN',
    'zh-TW',
    'zh-HK',
  ].map((tag) => tag.toLowerCase()),
);

/** The `language` query value for a BCP-47 tag from the intent. */
export function deepgramLanguage(tag: string): string {
  const [primary = tag, region] = tag.split('-');
  if (region && REGIONAL_TAGS.has(`${primary}-${region}`.toLowerCase())) return `${primary.toLowerCase()}-${region.toUpperCase()}`;
  return primary.toLowerCase();
}

/**
 * The query parameter Deepgram biases a model with: nova-3 (and its vertical variants) takes
 * `keyterm` prompting and refuses `keywords`; earlier models (nova-2, enhanced, base) take
 * `keywords` boosting only.
 */
export function keywordParam(model: string): 'keyterm' | 'keywords' {
  return /^nova-3\b/.test(model) ? 'keyterm' : 'keywords';
}

/**
 * Our request → the `/v1/listen` query. Deepgram sniffs containers itself; headerless PCM
 * needs its layout spelled out. Each keyword is its own parameter, as Deepgram reads them.
 */
export function toListenQuery(request: SttRequest, model: string): URLSearchParams {
  // `utterances` adds timed stretches of the transcript (no extra charge).
  const query = new URLSearchParams({ model, language: deepgramLanguage(request.language), smart_format: 'true', punctuate: 'true', utterances: 'true' });
  const pcm = pcmLayout(request.contentType);
  if (pcm) {
    query.set('encoding', 'linear16');
    query.set('sample_rate', String(pcm.sampleRate));
    query.set('channels', String(pcm.channels));
  }
  const param = keywordParam(model);
  for (const keyword of request.keywords ?? []) query.append(param, keyword);
  return query;
}

/** A pause this long (Deepgram's default `utt_split`) ends a segment built from words. */
const SEGMENT_PAUSE_SECONDS = 0.8;

type Word = NonNullable<ListenResponse['results']['channels'][number]['alternatives'][number]['words']>[number];

/**
 * Words → segments, for an answer without utterances: a new segment after a pause or after a
 * word that ends a sentence (`smart_format` punctuates).
 */
export function segmentsFromWords(words: readonly Word[]): TranscriptSegment[] {
  const runs: Array<{ start: number; end: number; texts: string[] }> = [];
  let endsSentence = false;
  for (const word of words) {
    const start = Math.max(0, word.start);
    const end = Math.max(start, word.end);
    const written = word.punctuated_word ?? word.word;
    const last = runs.at(-1);
    if (last && !endsSentence && start - last.end < SEGMENT_PAUSE_SECONDS) {
      last.texts.push(written);
      last.end = end;
    } else {
      runs.push({ start, end, texts: [written] });
    }
    endsSentence = /[.?!]["')\]]*$/.test(written);
  }
  return runs.map(({ start, end, texts }) => ({ start, end, text: texts.join(' ') }));
}

/**
 * The answer's timed stretches: channel 0's utterances when Deepgram sent them, else its best
 * alternative's words grouped. Undefined when it timed nothing.
 */
export function segmentsFromListen(response: ListenResponse): TranscriptSegment[] | undefined {
  const utterances = response.results.utterances?.filter((u) => (u.channel ?? 0) === 0);
  if (utterances?.length) {
    return utterances.map(({ start, end, transcript }) => {
      const from = Math.max(0, start);
      return { start: from, end: Math.max(from, end), text: transcript.trim() };
    });
  }
  const words = response.results.channels[0]?.alternatives[0]?.words;
  return words?.length ? segmentsFromWords(words) : undefined;
}

/** The best alternative's words as written (`punctuated_word`), timed; undefined when it timed none. */
export function wordsFromListen(words: readonly Word[] | undefined): TranscriptWord[] | undefined {
  if (!words?.length) return undefined;
  return words.map((word) => {
    const start = Math.max(0, word.start);
    return { word: word.punctuated_word ?? word.word, start, end: Math.max(start, word.end) };
  });
}

/** The `/v1/listen` answer → ours: the first channel's best alternative. */
export function fromListenResponse(response: ListenResponse, language: string, model: string): SttResponse {
  // The schema requires at least one channel and one alternative.
  const channel = response.results.channels[0]!;
  const best = channel.alternatives[0]!;
  const segments = segmentsFromListen(response);
  const words = wordsFromListen(best.words);
  return {
    text: best.transcript.trim(),
    model,
    language: channel.detected_language ?? language,
    confidence: Math.min(1, Math.max(0, best.confidence)),
    durationSeconds: response.metadata.duration,
    ...(segments === undefined ? {} : { segments }),
    ...(words === undefined ? {} : { words }),
  };
}
