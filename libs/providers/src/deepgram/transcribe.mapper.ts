import type { SttRequest, SttResponse } from '../provider';
import { pcmLayout } from '../shared/audio';
import type { ListenResponse } from './wire.schema';

/**
 * Regional tags nova-2 has models for. Deepgram refuses (400) a tag it has no model for,
 * which would fail the job, so any other tag is sent as its primary subtag, always served.
 */
const REGIONAL_TAGS = new Set(
  ['en-US', 'en-AU', 'en-GB', 'en-IN', 'en-NZ', 'es-419', 'fr-CA', 'pt-BR', 'pt-PT', 'nl-BE', 'de-CH', 'da-DK', 'ko-KR', 'sv-SE', 'th-TH', 'zh-CN', 'zh-TW', 'zh-HK'].map((tag) =>
    tag.toLowerCase(),
  ),
);

/** The `language` query value for a BCP-47 tag from the intent. */
export function deepgramLanguage(tag: string): string {
  const [primary = tag, region] = tag.split('-');
  if (region && REGIONAL_TAGS.has(`${primary}-${region}`.toLowerCase())) return `${primary.toLowerCase()}-${region.toUpperCase()}`;
  return primary.toLowerCase();
}

/**
 * Our request → the `/v1/listen` query. Deepgram sniffs containers itself; headerless PCM
 * needs its layout spelled out.
 */
export function toListenQuery(request: SttRequest, model: string): URLSearchParams {
  const query = new URLSearchParams({ model, language: deepgramLanguage(request.language), smart_format: 'true', punctuate: 'true' });
  const pcm = pcmLayout(request.contentType);
  if (pcm) {
    query.set('encoding', 'linear16');
    query.set('sample_rate', String(pcm.sampleRate));
    query.set('channels', String(pcm.channels));
  }
  return query;
}

/** The `/v1/listen` answer → ours: the first channel's best alternative. */
export function fromListenResponse(response: ListenResponse, language: string, model: string): SttResponse {
  // The schema requires at least one channel and one alternative.
  const channel = response.results.channels[0]!;
  const best = channel.alternatives[0]!;
  return {
    text: best.transcript.trim(),
    model,
    language: channel.detected_language ?? language,
    confidence: Math.min(1, Math.max(0, best.confidence)),
    durationSeconds: response.metadata.duration,
  };
}
