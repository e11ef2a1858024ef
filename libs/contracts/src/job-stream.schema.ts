import { z } from 'zod';
import { tokenLogprobSchema } from './chat-params.schema';

/**
 * A streamed job's reply as it is made: the entries a worker appends to the job's delta
 * stream and every API replica relays. A *reply* is one provider call's answer, named
 * `<attempt>.<hop>.<try>`: a retried attempt, a tool-loop hop and a failover to the next
 * provider each start a new one, so a reader can tell a continuation from a restart.
 */
export const toolCallDeltaSchema = z.object({
  /** The call's position in the reply (OpenAI's `tool_calls[].index`). */
  index: z.number().int().min(0),
  id: z.string().optional(),
  name: z.string().optional(),
  /** The next piece of the JSON-encoded arguments. */
  args: z.string().optional(),
});
export type ToolCallDelta = z.infer<typeof toolCallDeltaSchema>;

export const streamEntrySchema = z.discriminatedUnion('k', [
  /**
   * A reply's first entry, written just before its first delta: `fc` providers failed before
   * this one in its hop, `tfc` in the whole job so far, and `run` is the scores run that ranked them.
   */
  z.object({
    k: z.literal('start'),
    r: z.string(),
    hop: z.number().int().min(0),
    provider: z.string(),
    model: z.string(),
    fc: z.number().int().min(0).optional(),
    tfc: z.number().int().min(0).optional(),
    run: z.string().optional(),
  }),
  /** A piece of the reply: text, tool-call pieces, or both; `i` is the choice (`n` > 1). */
  z.object({
    k: z.literal('delta'),
    r: z.string(),
    i: z.number().int().min(0).optional(),
    c: z.string().optional(),
    tc: z.array(toolCallDeltaSchema).optional(),
    /** The log probabilities of the piece's tokens (`logprobs: true`). */
    lp: z.array(tokenLogprobSchema).optional(),
  }),
  /** The provider call that made the reply succeeded: the reply is whole. */
  z.object({ k: z.literal('end'), r: z.string() }),
  /** The provider call failed after some of the reply was written: what was written is void. */
  z.object({ k: z.literal('cut'), r: z.string(), code: z.string(), message: z.string() }),
  /** A server-side tool call of hop `hop` as it goes: `started` when it is made, then `completed` or `failed`. */
  z.object({
    k: z.literal('tool'),
    id: z.string(),
    name: z.string(),
    hop: z.number().int().min(0),
    status: z.enum(['started', 'completed', 'failed']),
  }),
  /** A lead-in the service says before a hop's server-side tools run (a tool's `preToolSpeech: always`, the model having said nothing). */
  z.object({ k: z.literal('lead'), hop: z.number().int().min(0), text: z.string() }),
  /** The job's result is reply `r`'s (streamed or not): written once, before the result is stored. */
  z.object({ k: z.literal('fin'), r: z.string() }),
]);
export type StreamEntry = z.infer<typeof streamEntrySchema>;
export type StreamDelta = Extract<StreamEntry, { k: 'delta' }>;
export type ToolProgress = Omit<Extract<StreamEntry, { k: 'tool' }>, 'k'>;

/** The stream id (`<ms>-<seq>`) of an entry, as SSE `id:` and `Last-Event-ID` carry it. */
export const streamIdSchema = z.string().regex(/^\d{1,20}-\d{1,20}$/, 'must be a stream event id such as 1700000000000-0');
