import { errors } from '@voxq/errors';
import type { CallContext, SttProvider, SttRequest, SttResponse } from '../provider';
import { callUpstream, jsonAnswer, multipartBody } from '../engine';
import type { OpenAiCompatibleOptions } from './complete';
import { readOpenAiError } from './errors';
import { fromWireTranscription, toTranscriptionForm } from './transcribe.mapper';
import { wireTranscriptionSchema } from './transcribe.wire.schema';
import { WHISPER_LANGUAGES } from './whisper-languages';

export interface OpenAiCompatibleSttOptions extends Omit<OpenAiCompatibleOptions, 'languages'> {
  /**
   * Languages the model serves, as BCP-47 primary subtags.
   * @defaultValue Whisper's languages
   */
  languages?: readonly string[] | '*';
  /**
   * Uploads above this are refused before sending, so the job fails over to a provider that
   * takes them instead of failing on the upstream's 413.
   * @defaultValue 25 MiB, OpenAI's limit (and Groq's on its free tier)
   */
  maxUploadBytes?: number;
  /**
   * The server translates (`POST /audio/translations`, into English) with this model, used
   * when the job pins none. Absent: the provider does not translate.
   */
  translateModel?: string;
}

/**
 * Speech to text over the OpenAI `POST /audio/transcriptions` wire format (Whisper), so one
 * adapter serves OpenAI (`whisper-1`), Groq (`whisper-large-v3-turbo`) and compatible servers;
 * with `translateModel`, translation into English over `POST /audio/translations` too.
 */
export function createOpenAiCompatibleStt(options: OpenAiCompatibleSttOptions): SttProvider {
  const { name, apiKey, defaultModel, translateModel } = options;
  const base = options.baseUrl.replace(/\/+$/, '');
  const headers = { authorization: `Bearer ${apiKey}` };
  const answer = jsonAnswer(wireTranscriptionSchema);
  const maxUploadBytes = options.maxUploadBytes ?? 25 * 1024 * 1024;

  async function call(task: 'transcribe' | 'translate', request: SttRequest, model: string, ctx: CallContext): Promise<SttResponse> {
    const form = toTranscriptionForm(request, model, task);
    // Another provider may decode what Whisper cannot, so these fail over rather than fail the job.
    if (!form) {
      throw errors.providerMisconfigured(name, `cannot upload ${request.contentType}: Whisper takes flac, m4a, mp3, mp4, ogg, wav or webm`);
    }
    if (form.file.data.length > maxUploadBytes) {
      throw errors.providerMisconfigured(name, `audio of ${form.file.data.length} bytes is over the ${maxUploadBytes}-byte upload limit`);
    }
    const body = multipartBody(form.fields, form.file);
    const url = `${base}/audio/${task === 'translate' ? 'translations' : 'transcriptions'}`;
    const wire = await callUpstream({ provider: name, url, headers, body, answer, readError: readOpenAiError, signal: ctx.signal });
    return fromWireTranscription(wire, request, model, task);
  }

  const transcribe = (request: SttRequest, ctx: CallContext) => call('transcribe', request, request.model ?? defaultModel, ctx);
  // The router passes the default transcription model unless the job pinned one; a server may
  // translate with another (Groq: only whisper-large-v3, not its turbo).
  const translate = (request: SttRequest, ctx: CallContext) =>
    call('translate', request, request.model && request.model !== defaultModel ? request.model : (translateModel ?? defaultModel), ctx);

  return {
    name,
    capability: 'stt',
    languages: options.languages ?? WHISPER_LANGUAGES,
    defaultModel,
    // Sent as the prompt (`toTranscriptionForm`).
    keywords: true,
    transcribe,
    ...(translateModel ? { translate } : {}),
  };
}
