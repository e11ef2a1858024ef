import type { JobKind } from '../job-kind';
import { provenance } from './provenance';

/** `complete`: one LLM turn. Inline tool calls come back in `toolCalls` for the client. */
export const completeJob: JobKind<'complete'> = {
  type: 'complete',
  async handle(payload, ctx) {
    const { input } = payload;
    const routed = await ctx.router.run(
      'llm',
      payload,
      (provider, model, signal) =>
        provider.complete(
          {
            model,
            messages: input.messages,
            systemPrompt: input.systemPrompt,
            temperature: input.temperature,
            maxTokens: input.maxTokens,
            reasoningEffort: input.reasoningEffort,
            tools: input.tools,
            toolChoice: input.toolChoice,
            parallelToolCalls: input.parallelToolCalls,
          },
          { signal, logger: ctx.logger },
        ),
      { signal: ctx.signal, logger: ctx.logger, tenantId: ctx.tenantId },
    );
    const reply = routed.value;
    return {
      providerMs: routed.providerMs,
      result: {
        text: reply.text,
        usage: reply.usage,
        finishReason: reply.finishReason,
        ...(reply.toolCalls?.length ? { toolCalls: reply.toolCalls } : {}),
        ...provenance(routed, reply.model),
      },
    };
  },
};
