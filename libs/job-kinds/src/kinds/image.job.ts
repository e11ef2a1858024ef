import { jobImageKey } from '@voxq/job-store';
import { checkImageParams } from '@voxq/providers';
import { routeOptions, type JobKind } from '../job-kind';
import { provenance } from './provenance';

/**
 * `image`: a prompt to images. Only providers whose model takes every parameter the job set
 * are candidates (`requires.image`); each image goes to S3 (`tenants/<t>/results/<jobId>-<i>.<ext>`),
 * never into the record, which keeps its key and a presigned URL that expires after
 * `S3_PRESIGN_TTL_SECONDS`. The API answers `b64_json` read back from S3, or a fresh URL.
 */
export const imageJob: JobKind<'image'> = {
  type: 'image',
  async handle(payload, ctx) {
    const { input } = payload;
    const routed = await ctx.router.run(
      'image',
      { ...payload, requires: { image: input } },
      (provider, model, signal) => {
        // Checked again for the model this candidate runs (the router ruled out the others): named as the job names them.
        checkImageParams(model, provider.models[model], input, (param) => `input.${param}`);
        return provider.generate({ ...input, model }, { signal, logger: ctx.logger });
      },
      routeOptions(ctx),
    );
    const made = routed.value;
    const { objects, presignTtlSeconds } = ctx.storage;
    const expiresAt = new Date(Date.now() + presignTtlSeconds * 1000).toISOString();
    // A retry after this point writes the same keys again: the last attempt's images win.
    const images = await Promise.all(
      made.images.map(async (image, index) => {
        const key = jobImageKey(ctx.tenantId, ctx.jobId, index, image.contentType);
        await objects.putBuffer(key, image.data, { contentType: image.contentType, metadata: { 'job-id': ctx.jobId }, signal: ctx.signal });
        const presignedUrl = await objects.presignGet({ key }, { expiresInSeconds: presignTtlSeconds });
        return {
          key,
          contentType: image.contentType,
          bytes: image.data.length,
          presignedUrl,
          presignedUrlExpiresAt: expiresAt,
          ...(image.revisedPrompt ? { revisedPrompt: image.revisedPrompt } : {}),
        };
      }),
    );
    return {
      providerMs: routed.providerMs,
      result: {
        images,
        ...(made.size ? { size: made.size } : {}),
        ...(made.quality ? { quality: made.quality } : {}),
        ...(made.background ? { background: made.background } : {}),
        ...(made.outputFormat ? { outputFormat: made.outputFormat } : {}),
        usage: { images: images.length, ...(made.usage ? { inputTokens: made.usage.inputTokens, outputTokens: made.usage.outputTokens } : {}) },
        ...provenance(routed, made.model),
      },
    };
  },
};
