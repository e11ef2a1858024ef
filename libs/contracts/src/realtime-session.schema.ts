import { z } from 'zod';

/** `GET /v1/realtime`'s query: the model to open a session with (required; a 400 without it). */
export const realtimeQuerySchema = z.looseObject({
  /** A realtime model (`gpt-realtime`), a `provider/model` pair or an alias; `GET /v1/models?recommended_for=realtime` lists them. */
  model: z.string().min(1).max(256).optional(),
});

/**
 * Why a realtime session ended. Stored in session records: add, never rename.
 * - `client_closed`: the client closed its socket; `upstream_closed`: the provider closed its own;
 * - `max_duration`: it reached `REALTIME_MAX_SESSION_SECONDS`; `slow_client`: the client left
 *   too much unread for too long (backpressure); `upstream_error`: the provider's socket failed;
 * - `server_shutdown`: the API process was stopping.
 */
export const REALTIME_CLOSE_REASONS = ['client_closed', 'upstream_closed', 'max_duration', 'slow_client', 'upstream_error', 'server_shutdown'] as const;
export const realtimeCloseReasonSchema = z.enum(REALTIME_CLOSE_REASONS);
export type RealtimeCloseReason = z.infer<typeof realtimeCloseReasonSchema>;

/** One piece of a session's text: what the user typed (or said, when transcribed) and what the model answered. */
export const transcriptEntrySchema = z.strictObject({
  role: z.enum(['user', 'assistant']),
  text: z.string(),
  /** ISO 8601: when the relay saw it. */
  at: z.string(),
});
export type TranscriptEntry = z.infer<typeof transcriptEntrySchema>;

/** `GET /v1/realtime/sessions/:id` and the `session.completed` webhook's `data`. */
export const realtimeSessionViewSchema = z.strictObject({
  id: z.string(),
  object: z.literal('realtime.session'),
  status: z.enum(['active', 'completed']),
  provider: z.string(),
  model: z.string(),
  /** Providers that refused or failed before this one opened the session. */
  failoverCount: z.number().int().min(0),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  /** Milliseconds from the upgrade to the close; what usage meters (as session minutes). */
  durationMs: z.number().int().min(0).nullable(),
  closeReason: realtimeCloseReasonSchema.nullable(),
  /** The text both ways, in order; cut at a bound (`transcriptTruncated`). */
  transcript: z.array(transcriptEntrySchema),
  transcriptTruncated: z.boolean(),
  /** Tokens the provider reported in its `response.done` events, summed. */
  usage: z.strictObject({ responses: z.number().int().min(0), inputTokens: z.number().int().min(0), outputTokens: z.number().int().min(0) }),
});
export type RealtimeSessionView = z.infer<typeof realtimeSessionViewSchema>;
