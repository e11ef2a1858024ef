import type { CallContext, SttProvider, SttRequest, SttResponse } from '../provider';
import { binaryBody, callUpstream, jsonAnswer } from '../engine';
import { readDeepgramError } from './errors';
import { deepgramLanguage, fromListenResponse, toListenQuery } from './transcribe.mapper';
import { listenResponseSchema } from './wire.schema';

export const DEEPGRAM_NAME = 'deepgram';

/** Primary subtags nova-2 transcribes (Deepgram's language table). */
export const DEEPGRAM_LANGUAGES: readonly string[] = [
  'bg',
  'ca',
  'cs',
  'da',
  'de',
  'el',
  'en',
  'es',
  'et',
  'fi',
  'fr',
  'hi',
  'hu',
  'id',
  'it',
  'ja',
  'ko',
  'lt',
  'lv',
  'ms',
  'nl',
  'no',
  'pl',
  'pt',
  'ro',
  'ru',
  'sk',
  'sv',
  'th',
  'tr',
  'uk',
  'vi',
  'zh',
];

export interface DeepgramOptions {
  /** @defaultValue `'deepgram'` */
  name?: string;
  /** Without the version segment, e.g. `https://api.deepgram.com`. */
  baseUrl: string;
  apiKey: string;
  /** e.g. `nova-2`, or a vertical model such as `nova-2-phonecall`. */
  defaultModel: string;
  /**
   * Languages the model serves, as BCP-47 primary subtags.
   * @defaultValue nova-2's languages
   */
  languages?: readonly string[] | '*';
}

/** Speech to text with Deepgram's pre-recorded API: the audio is the body, options the query. */
export function createDeepgramStt(options: DeepgramOptions): SttProvider {
  const { apiKey, defaultModel } = options;
  const name = options.name ?? DEEPGRAM_NAME;
  const endpoint = `${options.baseUrl.replace(/\/+$/, '')}/v1/listen`;
  const headers = { authorization: `Token ${apiKey}` };
  const answer = jsonAnswer(listenResponseSchema);

  async function transcribe(request: SttRequest, ctx: CallContext): Promise<SttResponse> {
    const model = request.model ?? defaultModel;
    const parsed = await callUpstream({
      provider: name,
      url: `${endpoint}?${toListenQuery(request, model).toString()}`,
      headers,
      body: binaryBody(request.audio, request.contentType),
      answer,
      readError: readDeepgramError,
      signal: ctx.signal,
    });
    return fromListenResponse(parsed, deepgramLanguage(request.language), model);
  }

  // Keywords go as `keywords` or `keyterm` query parameters (`toListenQuery`).
  return { name, capability: 'stt', languages: options.languages ?? DEEPGRAM_LANGUAGES, defaultModel, keywords: true, transcribe };
}
