import type { CallContext, TtsProvider, TtsRequest, TtsResponse } from '../provider';
import { audioAnswer, callUpstream, jsonBody } from '../engine';
import { readOpenAiError } from './errors';
import { fromSpeechAudio, toSpeechRequest, type SpeechFormat } from './synthesize.mapper';

export interface OpenAiCompatibleTtsOptions {
  /** Provider name in constraints and results: `openai`, or a compatible server's. */
  name: string;
  /** Up to and including the version segment, e.g. `https://api.openai.com/v1`. */
  baseUrl: string;
  apiKey: string;
  /** e.g. `tts-1`, `tts-1-hd`, `gpt-4o-mini-tts`. */
  defaultModel: string;
  /** The voice when a job names none, e.g. `alloy`. */
  defaultVoice: string;
  /**
   * What to ask for when the job names no format. WAV carries its sample rate and length, so
   * the result states its duration; MP3 is about a tenth the size but has no duration here.
   * @defaultValue `'wav'`
   */
  responseFormat?: SpeechFormat;
  /**
   * Languages the voices speak, as BCP-47 primary subtags. OpenAI's voices follow the
   * input text's language.
   * @defaultValue `'*'`
   */
  languages?: readonly string[] | '*';
}

/**
 * Text to speech over the OpenAI `POST /audio/speech` wire format, for OpenAI and every
 * compatible server. Errors map exactly as for chat: one OpenAI error envelope.
 */
export function createOpenAiCompatibleTts(options: OpenAiCompatibleTtsOptions): TtsProvider {
  const { name, apiKey, defaultModel, defaultVoice } = options;
  const format = options.responseFormat ?? 'wav';
  const url = `${options.baseUrl.replace(/\/+$/, '')}/audio/speech`;
  const headers = { authorization: `Bearer ${apiKey}` };
  const answer = audioAnswer();

  async function synthesize(request: TtsRequest, ctx: CallContext): Promise<TtsResponse> {
    const speech = toSpeechRequest(request, { model: defaultModel, voice: defaultVoice, format });
    const { audio } = await callUpstream({ provider: name, url, headers, body: jsonBody(speech), answer, readError: readOpenAiError, signal: ctx.signal });
    return fromSpeechAudio(name, audio, speech.response_format, speech.model);
  }

  return { name, capability: 'tts', languages: options.languages ?? '*', defaultModel, synthesize };
}
