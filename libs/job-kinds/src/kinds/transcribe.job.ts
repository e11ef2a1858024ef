import { errors, isAppError } from '@voxq/errors';
import { unusedTranscribeParams } from '@voxq/providers';
import { tenantOfKey } from '@voxq/storage';
import { routeOptions, type JobKind } from '../job-kind';
import { provenance } from './provenance';

/**
 * `transcribe`: speech to text from the audio object the API stored (or the upload it names);
 * with `task: translate`, the speech in English, from providers that translate only. Word
 * timings are kept only when the job asks for them (`words`): they can outweigh the text.
 * `keywords` go only to providers that take them (else the result lists them in `unusedParams`).
 */
export const transcribeJob: JobKind<'transcribe'> = {
  type: 'transcribe',
  async handle(payload, ctx) {
    const { input, intent } = payload;
    const { key, bucket } = input.audio;
    const { objects, audioLimitBytes } = ctx.storage;
    // The API resolved the reference for this tenant; a tenant's folder must still be its own.
    const owner = tenantOfKey(key);
    if ((bucket === undefined || bucket === objects.bucket) && owner !== null && owner !== ctx.tenantId) {
      throw errors.invalidRequest('The input audio does not belong to this tenant.', 'input.audio', 'input_forbidden');
    }
    const audio = await objects.getBuffer({ key, ...(bucket ? { bucket } : {}) }, audioLimitBytes, { signal: ctx.signal }).catch((error: unknown) => {
      if (isAppError(error) && error.status === 404) {
        throw errors.invalidRequest('The input audio is no longer stored (it expired or was deleted).', 'input.audio', 'input_expired');
      }
      if (isAppError(error) && error.code === 'payload_too_large') {
        throw errors.payloadTooLarge(`The input audio is larger than the limit of ${audioLimitBytes} bytes this worker transcribes.`);
      }
      throw error;
    });
    const translate = input.task === 'translate';
    const routed = await ctx.router.run(
      'stt',
      translate ? { ...payload, requires: { translation: true } } : payload,
      async (provider, model, signal) => {
        // Decided per candidate: a failover may land on a provider that does not take them.
        const unusedParams = unusedTranscribeParams(provider, input);
        const keywords = input.keywords && !unusedParams.includes('keywords') ? { keywords: input.keywords } : {};
        const request = {
          model,
          audio: audio.data,
          contentType: input.audio.contentType,
          language: intent.language,
          ...(input.words ? { words: true } : {}),
          ...keywords,
        };
        const call = { signal, logger: ctx.logger };
        if (!translate) return { transcript: await provider.transcribe(request, call), unusedParams };
        // The router offers a translation only to providers that translate; never a transcript instead.
        if (!provider.translate) throw errors.noProvider(`${provider.name} does not translate.`);
        return { transcript: await provider.translate(request, call), unusedParams };
      },
      routeOptions(ctx),
    );
    const { transcript, unusedParams } = routed.value;
    return {
      providerMs: routed.providerMs,
      result: {
        text: transcript.text,
        ...(transcript.language === undefined ? {} : { language: transcript.language }),
        ...(transcript.confidence === undefined ? {} : { confidence: transcript.confidence }),
        usage: { audioSeconds: transcript.durationSeconds },
        ...(transcript.segments === undefined ? {} : { segments: transcript.segments }),
        ...(input.words && transcript.words ? { words: transcript.words } : {}),
        ...provenance(routed, transcript.model),
        ...(unusedParams.length > 0 ? { unusedParams } : {}),
      },
    };
  },
};
