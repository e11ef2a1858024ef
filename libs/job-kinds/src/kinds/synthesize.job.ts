import { jobResultPath } from '@voxq/contracts';
import { jobResultKey } from '@voxq/job-store';
import { isSpeechFormat, unusedSpeechParams } from '@voxq/providers';
import { toSpokenForm } from '@voxq/spoken-form';
import { routeOptions, type JobKind } from '../job-kind';
import { provenance } from './provenance';

/**
 * `synthesize`: text to speech. The audio goes to S3 (`tenants/<t>/results/<jobId>.<ext>`),
 * never into the record: the result carries its key, the API path that streams it, and a
 * presigned URL that expires after `S3_PRESIGN_TTL_SECONDS`. With `input.format`, the audio
 * is in that format: the provider's own when it could make it, else converted by ffmpeg
 * after the provider answered (a conversion failure is the worker's, never a failover).
 * `model` puts its provider first; `instructions` go only to a model that takes them (else the
 * result lists them in `unusedParams`); `spokenForm` rewrites the text before any provider sees it.
 */
export const synthesizeJob: JobKind<'synthesize'> = {
  type: 'synthesize',
  async handle(payload, ctx) {
    const { input, intent } = payload;
    const spoken = input.spokenForm ? toSpokenForm(input.text, intent.language) : undefined;
    const text = spoken?.text ?? input.text;
    const routed = await ctx.router.run(
      'tts',
      { ...payload, ...(input.model ? { primaryModel: input.model } : {}) },
      async (provider, model, signal) => {
        // Decided per candidate: a failover may land on a model that does not take them.
        const unusedParams = unusedSpeechParams(provider, model, input);
        const instructions = input.instructions && !unusedParams.includes('instructions') ? { instructions: input.instructions } : {};
        const request = { model, text, voice: input.voice, speed: input.speed, language: intent.language, ...(input.format ? { format: input.format } : {}) };
        const made = await provider.synthesize({ ...request, ...instructions }, { signal, logger: ctx.logger });
        return { made, unusedParams };
      },
      routeOptions(ctx),
    );
    const { made, unusedParams } = routed.value;
    const speech =
      input.format && !isSpeechFormat(made.contentType, input.format)
        ? { ...made, ...(await ctx.storage.transcoder.transcode(made.audio, made.contentType, input.format, ctx.signal)) }
        : made;
    const { objects, presignTtlSeconds } = ctx.storage;
    const key = jobResultKey(ctx.tenantId, ctx.jobId, speech.contentType);
    // A retry after this point writes the same key again: the last attempt's audio wins.
    await objects.putBuffer(key, speech.audio, { contentType: speech.contentType, metadata: { 'job-id': ctx.jobId }, signal: ctx.signal });
    const presignedUrl = await objects.presignGet({ key }, { expiresInSeconds: presignTtlSeconds });
    return {
      providerMs: routed.providerMs,
      result: {
        audio: {
          url: jobResultPath(ctx.jobId),
          key,
          contentType: speech.contentType,
          bytes: speech.audio.length,
          ...(speech.durationSeconds === undefined ? {} : { durationSeconds: speech.durationSeconds }),
          presignedUrl,
          presignedUrlExpiresAt: new Date(Date.now() + presignTtlSeconds * 1000).toISOString(),
        },
        // What the provider was sent (and charges for), after any spoken-form rewrite.
        usage: { characters: text.length },
        ...provenance(routed, speech.model),
        ...(unusedParams.length > 0 ? { unusedParams } : {}),
        ...(spoken ? { spokenForm: spoken.applied } : {}),
      },
    };
  },
};
