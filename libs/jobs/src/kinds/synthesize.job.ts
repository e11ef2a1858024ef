import { jobResultPath } from '@voxq/contracts';
import { outputBlobId } from '@voxq/job-store';
import type { JobKind } from '../job-kind';
import { provenance } from './provenance';

/** `synthesize`: text to speech; the audio is stored beside the job, not in the record. */
export const synthesizeJob: JobKind<'synthesize'> = {
  type: 'synthesize',
  async handle(payload, ctx) {
    const { input, intent } = payload;
    const routed = await ctx.router.run(
      'tts',
      payload,
      (provider, model, signal) =>
        provider.synthesize(
          { model, text: input.text, voice: input.voice, speed: input.speed, language: intent.language },
          { signal, logger: ctx.logger },
        ),
      { signal: ctx.signal, logger: ctx.logger, tenantId: ctx.tenantId },
    );
    const speech = routed.value;
    await ctx.blobs.put(ctx.tenantId, speech.audio, speech.contentType, outputBlobId(ctx.jobId));
    return {
      providerMs: routed.providerMs,
      result: {
        audio: {
          url: jobResultPath(ctx.jobId),
          contentType: speech.contentType,
          bytes: speech.audio.length,
          ...(speech.durationSeconds === undefined ? {} : { durationSeconds: speech.durationSeconds }),
        },
        usage: { characters: input.text.length },
        ...provenance(routed, speech.model),
      },
    };
  },
};
