import { checkDimensions } from '@voxq/providers';
import { routeOptions, type JobKind } from '../job-kind';
import { provenance } from './provenance';

/**
 * `embed`: texts to vectors, all of a job's texts in one provider call, so its vectors come
 * from one model and can be compared with each other. Vectors are small enough for the record.
 */
export const embedJob: JobKind<'embed'> = {
  type: 'embed',
  async handle(payload, ctx) {
    const { input } = payload;
    const texts = typeof input.input === 'string' ? [input.input] : input.input;
    const routed = await ctx.router.run(
      'embedding',
      payload,
      (provider, model, signal) => {
        // Named as the job names it; a model that cannot give the length fails the job, whoever serves it.
        checkDimensions(model, provider.models[model], input.dimensions, 'input.dimensions');
        return provider.embed({ model, input: texts, dimensions: input.dimensions, user: input.user }, { signal, logger: ctx.logger });
      },
      routeOptions(ctx),
    );
    const embedded = routed.value;
    return {
      providerMs: routed.providerMs,
      result: {
        embeddings: embedded.embeddings,
        usage: { promptTokens: embedded.usage.promptTokens },
        ...provenance(routed, embedded.model),
      },
    };
  },
};
