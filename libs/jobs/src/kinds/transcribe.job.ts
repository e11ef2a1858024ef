import { errors } from '@voxq/errors';
import type { JobKind } from '../job-kind';
import { provenance } from './provenance';

/** `transcribe`: speech to text from the audio blob the API stored. */
export const transcribeJob: JobKind<'transcribe'> = {
  type: 'transcribe',
  async handle(payload, ctx) {
    const { input, intent } = payload;
    const blob = await ctx.blobs.get(input.audio.blobId);
    if (!blob || blob.tenantId !== ctx.tenantId) {
      throw errors.invalidRequest('The input audio is no longer stored (it expired or was deleted).', 'input.audio', 'input_expired');
    }
    const routed = await ctx.router.run(
      'stt',
      payload,
      (provider, model, signal) =>
        provider.transcribe(
          { model, audio: blob.data, contentType: input.audio.contentType, language: intent.language },
          { signal, logger: ctx.logger },
        ),
      { signal: ctx.signal, logger: ctx.logger, tenantId: ctx.tenantId },
    );
    const transcript = routed.value;
    return {
      providerMs: routed.providerMs,
      result: {
        text: transcript.text,
        ...(transcript.language === undefined ? {} : { language: transcript.language }),
        ...(transcript.confidence === undefined ? {} : { confidence: transcript.confidence }),
        usage: { audioSeconds: transcript.durationSeconds },
        ...provenance(routed, transcript.model),
      },
    };
  },
};
