import { builtinNameOf, type ChatMessage, type ChatTool, type ChatToolCall, type JobPayloadOf, type WebhookToolSource } from '@voxq/contracts';
import { AppError, toAppError } from '@voxq/errors';
import { replyName, type ReplyMeta } from '@voxq/job-stream';
import { requestedChatParams, samplingOf, type CallPlace, type LlmDelta } from '@voxq/providers';
import { runBuiltinTool } from '../builtin-tools';
import { routeOptions, type JobContext, type JobKind, type Suspension } from '../job-kind';
import { freshToolLoop, type ServerToolCall, type ToolLoopState } from '../tool-loop';
import { provenance } from './provenance';

type Input = JobPayloadOf<'complete'>['input'];

/** The tool messages that answer a hop's server-side calls, in the order the model made them. */
function toolMessages(calls: readonly ServerToolCall[]): ChatMessage[] {
  return calls.map((c) => ({ role: 'tool', content: c.content ?? '', toolCallId: c.id, ...(c.isError ? { isError: true } : {}) }));
}

async function callModel(input: Input, payload: JobPayloadOf<'complete'>, state: ToolLoopState, ctx: JobContext) {
  let tries = 0;
  const routed = await ctx.router.run(
    'llm',
    // Only providers that honour the job's chat parameters are candidates.
    { ...payload, requires: { chatParams: requestedChatParams(input) } },
    (provider, model, signal, place) =>
      streamed(ctx, replyMeta(ctx, state, tries++, provider.name, model, place), (onDelta) =>
        provider.complete(
          {
            model,
            messages: [...input.messages, ...state.transcript],
            systemPrompt: input.systemPrompt,
            temperature: input.temperature,
            maxTokens: input.maxTokens,
            reasoningEffort: input.reasoningEffort,
            tools: input.tools,
            toolChoice: state.hop > 0 && input.toolChoice === 'required' ? 'auto' : input.toolChoice,
            parallelToolCalls: input.parallelToolCalls,
            ...samplingOf(input),
          },
          { signal, logger: ctx.logger, ...(onDelta ? { onDelta } : {}) },
        ),
      ),
    routeOptions(ctx),
  );
  const reply = replyName(ctx.attempt, state.hop, tries - 1);
  state.usage.promptTokens += routed.value.usage.promptTokens;
  state.usage.completionTokens += routed.value.usage.completionTokens;
  state.failoverCount += routed.failoverCount;
  state.providerAttempts.push(...routed.attempts);
  return { routed, reply };
}

function replyMeta(ctx: JobContext, state: ToolLoopState, attemptTry: number, provider: string, model: string, place: CallPlace): ReplyMeta {
  return {
    r: replyName(ctx.attempt, state.hop, attemptTry),
    hop: state.hop,
    provider,
    model,
    failovers: { hop: place.failoverCount, total: state.failoverCount + place.failoverCount },
    scoresRunId: place.scoresRunId,
  };
}

/**
 * One provider call, streamed when the job is: its pieces go to the job's delta stream, then
 * `end` on success or `cut` on failure, both in Redis before the router moves on.
 */
async function streamed<T>(ctx: JobContext, meta: ReplyMeta, call: (onDelta?: (delta: LlmDelta) => void) => Promise<T>): Promise<T> {
  if (!ctx.deltas) return call();
  const reply = ctx.deltas.reply(meta);
  try {
    const value = await call((delta) => reply.delta(delta));
    await reply.end();
    return value;
  } catch (error) {
    const { code, message } = toAppError(error);
    await reply.cut({ code, message });
    throw error;
  }
}

/**
 * `complete`: an LLM turn, and the tool loop of seed 001. Inline tool calls end the job
 * with `toolCalls` for the client. Builtin tools run here; webhook tools go out through the
 * dispatcher while the job waits without a worker (the handler returns a suspension and is
 * called again with the answers), until the model answers without server-side tool calls or
 * `maxToolHops` is reached.
 */
export const completeJob: JobKind<'complete'> = {
  type: 'complete',
  async handle(payload, ctx) {
    const { input } = payload;
    const tools = new Map<string, ChatTool>((input.tools ?? []).map((t) => [t.name, t]));
    const state = ctx.toolLoop ?? freshToolLoop();
    if (state.awaiting) {
      state.transcript.push(...toolMessages(state.calls.filter((c) => c.hop === state.hop)));
      state.awaiting = false;
    }

    for (;;) {
      const { routed, reply: replyOfCall } = await callModel(input, payload, state, ctx);
      const reply = routed.value;
      const calls = reply.toolCalls ?? [];
      const serverSide = calls.filter((c) => tools.get(c.name)?.executionMode === 'webhook' || tools.get(c.name)?.executionMode === 'builtin');
      // Any inline call (or none at all) hands the turn back to the client.
      if (calls.length === 0 || serverSide.length < calls.length) {
        await ctx.deltas?.final(replyOfCall);
        return {
          providerMs: routed.providerMs,
          result: {
            text: reply.text,
            usage: state.usage,
            finishReason: reply.finishReason,
            ...(calls.length ? { toolCalls: calls } : {}),
            ...(reply.logprobs ? { logprobs: reply.logprobs } : {}),
            ...(reply.moreChoices ? { moreChoices: reply.moreChoices } : {}),
            ...(state.calls.length ? { serverToolCalls: state.calls.map((c) => ({ ...c, content: c.content ?? '', isError: c.isError ?? false })) } : {}),
            ...provenance(routed, reply.model),
            failoverCount: state.failoverCount,
            providerAttempts: state.providerAttempts,
          },
        };
      }
      if (state.hop >= input.maxToolHops) {
        throw new AppError({
          code: 'max_tool_hops_exceeded',
          type: 'invalid_request_error',
          status: 400,
          message: `The model was still calling tools after ${input.maxToolHops} hops (maxToolHops); the job stops here. Raise maxToolHops (up to 16) or make the tools' answers conclusive.`,
          param: 'input.maxToolHops',
        });
      }

      state.hop += 1;
      state.transcript.push({ role: 'assistant', content: reply.text, toolCalls: calls });
      const outgoing: Suspension['calls'] = [];
      for (const call of serverSide) state.calls.push(runOrDispatch(call, tools.get(call.name)!, state.hop, outgoing));
      const hopCalls = state.calls.filter((c) => c.hop === state.hop);
      if (ctx.deltas && !reply.text.trim() && serverSide.some((c) => tools.get(c.name)?.preToolSpeech === 'always')) {
        await ctx.deltas.lead(state.hop, leadIn(payload.intent.language));
      }
      await publishProgress(ctx, hopCalls);
      if (outgoing.length > 0) {
        state.awaiting = outgoing.some((o) => o.wait);
        if (!state.awaiting) state.transcript.push(...toolMessages(hopCalls));
        return { suspend: { state, calls: outgoing } };
      }
      state.transcript.push(...toolMessages(hopCalls));
    }
  },
};

const LEAD_INS: Readonly<Record<string, string>> = {
  en: 'One moment.',
  es: 'Un momento.',
  fr: 'Un instant.',
  de: 'Einen Moment.',
  pt: 'Um momento.',
  it: 'Un momento.',
};

/**
 * What a tool with `preToolSpeech: always` has said before it runs when the model said
 * nothing (the Speko SDK's "the gateway injects one"), in the intent's language (English
 * for a language without one). `auto` and `never` inject none: voxq has no voice pipeline
 * to keep from going quiet, so it decides never to (docs/speko.md).
 */
const leadIn = (language: string) => LEAD_INS[language.split('-')[0]!.toLowerCase()] ?? LEAD_INS.en!;

/**
 * Tool-loop progress for streaming readers: every call `started`; a builtin has its answer
 * already. A webhook call's answer is published by the dispatcher that makes the call.
 */
async function publishProgress(ctx: JobContext, calls: readonly ServerToolCall[]): Promise<void> {
  if (!ctx.deltas) return;
  for (const call of calls) {
    const progress = { id: call.id, name: call.name, hop: call.hop };
    await ctx.deltas.tool({ ...progress, status: 'started' });
    if (call.executionMode === 'builtin') await ctx.deltas.tool({ ...progress, status: call.isError ? 'failed' : 'completed' });
  }
}

/** Runs a builtin now; a webhook call is queued for the dispatcher (async ones answer at once). */
function runOrDispatch(call: ChatToolCall, tool: ChatTool, hop: number, outgoing: Suspension['calls']): ServerToolCall {
  const base = { hop, id: call.id, name: call.name, args: call.args };
  if (tool.executionMode === 'builtin') return { ...base, executionMode: 'builtin', ...runBuiltinTool(builtinNameOf(tool), call.args) };
  const source = tool.source as WebhookToolSource;
  const wait = source.responseMode === 'sync';
  outgoing.push({ call, source, wait });
  return wait
    ? { ...base, executionMode: 'webhook', responseMode: 'sync' }
    : { ...base, executionMode: 'webhook', responseMode: 'async', content: source.asyncAck, isError: false };
}
