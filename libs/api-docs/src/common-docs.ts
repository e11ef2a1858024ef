import type { HeaderDoc, JsonSchema } from './route-doc';

/** Header parameters and schemas several routes share. */

export const idempotencyKeyHeader: HeaderDoc = {
  name: 'Idempotency-Key',
  description:
    '1-255 printable ASCII characters. A repeat with the same body returns the same job (`Idempotent-Replayed: true`); a repeat with another body is `409`.',
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
};

export const preferHeader: HeaderDoc = {
  name: 'Prefer',
  description: '`respond-async` (RFC 7240): answer `202` with the job at once instead of waiting for its result.',
  schema: { type: 'string', examples: ['respond-async'] },
};

export const lastEventIdHeader: HeaderDoc = {
  name: 'Last-Event-ID',
  description:
    'Resume a stream after this event id (the `id:` of the last event received; docs/streaming.md). On a `POST`, send it with the same `Idempotency-Key` so it is the same job.',
  schema: { type: 'string', pattern: '^\\d{1,20}-\\d{1,20}$' },
};

export const acceptEventStreamHeader: HeaderDoc = {
  name: 'Accept',
  description: '`text/event-stream` for server-sent events ending in `done` or `error` instead of one JSON answer.',
  schema: { type: 'string', examples: ['text/event-stream'] },
};

/** A header whose value is JSON (`X-Voxq-Intent: {"language":"en-US"}`), validated like the JSON body's field. */
export const jsonHeaderParam = (name: string, what: string): HeaderDoc => ({
  name,
  description: `${what}, as JSON (same shape as the JSON body's field).`,
  schema: { type: 'string', contentMediaType: 'application/json' },
});

/** Raw audio bytes as the body. */
export const binaryAudio: JsonSchema = { type: 'string', contentMediaType: 'audio/*', description: 'The audio bytes (not base64).' };

export const plainText: JsonSchema = { type: 'string' };

/** `text/event-stream`: `event:` and `data:` lines, each `data` JSON. */
export const eventStream: JsonSchema = { type: 'string', description: 'Server-sent events; each `data:` line is JSON.' };

export const routingHeaders: Record<string, string> = {
  'X-Speko-Provider': 'The provider that ran the job.',
  'X-Speko-Model': 'The model that ran the job.',
  'X-Speko-Failover-Count': 'How many providers failed before this one.',
  'X-Speko-Scores-Run-Id': 'The routing decision (`GET /v1/scores-runs/{id}`).',
  'X-Voxq-Job-Id': 'The voxq job that ran the request.',
  'X-Voxq-Unused-Params':
    'Only when the job set parameters the provider and model that ran do not honour (synthesize `instructions` on a model without them, transcribe `keywords` on a provider without keyword biasing): their names, comma-separated. They were accepted and not sent; the result lists them in `unusedParams`.',
};
