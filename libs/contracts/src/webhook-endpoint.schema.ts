import { z } from 'zod';
import { isoInstantSchema } from './usage.schema';
import { WEBHOOK_EVENT_TYPES, webhookEventTypeSchema } from './webhook-event.schema';

const endpointUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).max(2048);
const eventType = z.enum(WEBHOOK_EVENT_TYPES, { error: `unknown event; voxq's events are ${WEBHOOK_EVENT_TYPES.join(', ')}` });
const eventList = z
  .array(eventType)
  .min(1)
  .transform((events) => [...new Set(events)]);
const description = z.string().max(512);
const name = z.string().trim().min(1).max(128);

/**
 * Headers voxq sets on every delivery, which an endpoint's `headers` may not replace: the
 * Standard Webhooks signature trio, and what describes the body and the connection.
 */
export const RESERVED_WEBHOOK_HEADERS = [
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'content-type',
  'content-length',
  'user-agent',
  'host',
  'connection',
  'transfer-encoding',
];
/** Extra headers sent with each delivery (names as HTTP tokens, lowercased; values without line breaks). */
const headers = z
  .record(
    z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/, 'must be an HTTP header name'),
    z
      .string()
      .max(2048)
      .regex(/^[^\r\n]*$/, 'must be one line'),
  )
  .refine((h) => Object.keys(h).length <= 20, 'at most 20 headers')
  .transform((h) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v])))
  .refine((h) => !Object.keys(h).some((k) => RESERVED_WEBHOOK_HEADERS.includes(k)), {
    message: `may not set ${RESERVED_WEBHOOK_HEADERS.join(', ')} (voxq sets them, the signature among them)`,
  });
/** One request's budget for this endpoint; absent: `WEBHOOK_TIMEOUT_MS`. */
const timeoutMs = z.number().int().min(100).max(30_000);
/** A Standard Webhooks secret: `whsec_` + base64 of 24 to 64 random bytes (what receivers' libraries verify with). */
const signingSecret = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, { message: 'must be a Standard Webhooks secret: whsec_ + base64', abort: true })
  .refine((s) => {
    const bytes = Buffer.from(s.slice('whsec_'.length), 'base64').length;
    return bytes >= 24 && bytes <= 64;
  }, 'must hold 24 to 64 bytes after whsec_');
/**
 * `workspace`: deliveries are signed with the endpoint's own voxq secret (shown at create and
 * rotate-secret); `custom`: with the `signingSecret` given (write-only, never shown).
 */
const signingSecretSource = z.enum(['workspace', 'custom']);

/**
 * The Speko SDK's endpoint fields that mean nothing in voxq (no agents, tags, extraction or
 * secret-valued headers; events always carry the full body): accepted only with their
 * neutral value, so an SDK sending its defaults works, and anything else is a clear 400.
 */
const speko = {
  allAgents: z.literal(true, { error: 'voxq has no agents: only allAgents: true (every job) is accepted' }).optional(),
  agentIds: z.array(z.string()).max(0, 'voxq has no agents: agentIds must be empty').optional(),
  filterTags: z.array(z.unknown()).max(0, 'voxq has no webhook tags: filterTags must be empty').optional(),
  authHeaders: z.array(z.unknown()).max(0, 'voxq does not store secret header values: send fixed ones in headers, or leave authHeaders empty').optional(),
  extractionFields: z.array(z.unknown()).max(0, 'voxq has no extraction: extractionFields must be empty').nullable().optional(),
  contentMode: z.literal('full', { error: "voxq sends the full event: only contentMode 'full' is accepted" }).optional(),
};

/** `custom` needs its secret, and a secret needs `custom`. */
function checkSigning(input: { signingSecretSource?: 'workspace' | 'custom' | undefined; signingSecret?: string | undefined }, ctx: z.RefinementCtx) {
  if (input.signingSecretSource === 'custom' && input.signingSecret === undefined) {
    ctx.addIssue({ code: 'custom', path: ['signingSecret'], message: "required with signingSecretSource 'custom'" });
  }
  if (input.signingSecret !== undefined && input.signingSecretSource !== 'custom') {
    ctx.addIssue({ code: 'custom', path: ['signingSecretSource'], message: "must be 'custom' when signingSecret is given" });
  }
}

/**
 * `POST /v1/webhooks`: a tenant's endpoint; it receives every event type unless `events`
 * narrows it. `name` defaults to the URL's host. Accepts the Speko SDK's
 * `WebhookEndpointInput` (see `speko` above for its fields voxq has no use for).
 */
export const createWebhookEndpointSchema = z
  .strictObject({
    url: endpointUrl,
    name: name.optional(),
    events: eventList.default([...WEBHOOK_EVENT_TYPES]),
    description: description.nullable().default(null),
    enabled: z.boolean().default(true),
    headers: headers.default({}),
    timeoutMs: timeoutMs.nullable().default(null),
    signingSecretSource: signingSecretSource.default('workspace'),
    signingSecret: signingSecret.optional(),
    ...speko,
  })
  .superRefine(checkSigning);
export type CreateWebhookEndpoint = z.infer<typeof createWebhookEndpointSchema>;

/** `PATCH /v1/webhooks/:id`: any of the fields, at least one. `signingSecretSource: 'workspace'` drops a custom secret. */
export const updateWebhookEndpointSchema = z
  .strictObject({
    url: endpointUrl.optional(),
    name: name.optional(),
    events: eventList.optional(),
    description: description.nullable().optional(),
    enabled: z.boolean().optional(),
    headers: headers.optional(),
    timeoutMs: timeoutMs.nullable().optional(),
    signingSecretSource: signingSecretSource.optional(),
    signingSecret: signingSecret.optional(),
    ...speko,
  })
  .superRefine(checkSigning)
  .refine(
    (patch) => ENDPOINT_PATCH_FIELDS.some((field) => patch[field] !== undefined),
    `send at least one of ${['url', 'name', 'events', 'description', 'enabled', 'headers', 'timeoutMs', 'signingSecretSource'].join(', ')}`,
  );
export type UpdateWebhookEndpoint = z.infer<typeof updateWebhookEndpointSchema>;
const ENDPOINT_PATCH_FIELDS = ['url', 'name', 'events', 'description', 'enabled', 'headers', 'timeoutMs', 'signingSecretSource'] as const;

/**
 * An endpoint as the API shows it. `secret` (`whsec_…`) is only in the answers to create
 * and rotate-secret; lost secrets are replaced by rotating.
 */
export const webhookEndpointViewSchema = z.strictObject({
  id: z.string(),
  object: z.literal('webhook_endpoint'),
  url: z.string(),
  events: z.array(webhookEventTypeSchema),
  description: z.string().nullable(),
  name: z.string(),
  /** Sent with each delivery, beside the signature headers. */
  headers: z.record(z.string(), z.string()),
  /** One request's budget; null: the installation's `WEBHOOK_TIMEOUT_MS`. */
  timeoutMs: z.number().int().nullable(),
  signingSecretSource: signingSecretSource,
  hasCustomSigningSecret: z.boolean(),
  enabled: z.boolean(),
  /** Why voxq disabled it (a `410 Gone`), null when enabled or disabled by the tenant. */
  disabledReason: z.string().nullable(),
  /** Until when deliveries are also signed with the previous secret, after a rotation. */
  previousSecretExpiresAt: z.string().nullable(),
  secret: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type WebhookEndpointView = z.infer<typeof webhookEndpointViewSchema>;

/**
 * pending → delivering → succeeded | failed (dead-lettered) | pending (a retry is due);
 * cancelled when its endpoint was deleted or disabled first; expired when it outlived retention.
 */
export const WEBHOOK_DELIVERY_STATES = ['pending', 'delivering', 'succeeded', 'failed', 'cancelled', 'expired'] as const;
export const webhookDeliveryStateSchema = z.enum(WEBHOOK_DELIVERY_STATES);
export type WebhookDeliveryState = z.infer<typeof webhookDeliveryStateSchema>;

/** One event to one target (an endpoint, or a job's own `webhook.url` when `endpointId` is null). */
export const webhookDeliveryViewSchema = z.strictObject({
  id: z.string(),
  object: z.literal('webhook_delivery'),
  eventId: z.string(),
  eventType: webhookEventTypeSchema,
  jobId: z.string().nullable(),
  endpointId: z.string().nullable(),
  url: z.string(),
  state: webhookDeliveryStateSchema,
  /** Attempts of the current series (a redelivery starts a new one). */
  attempts: z.number().int().min(0),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  // The Speko SDK's names for the same facts (its `WebhookDelivery`).
  /** = `state`. */
  status: webhookDeliveryStateSchema,
  /** = `eventType`. */
  event: webhookEventTypeSchema,
  /** = `lastStatusCode`. */
  httpStatus: z.number().int().nullable(),
  /** = `lastError`. */
  error: z.string().nullable(),
  /** The endpoint's name; null for a job's own `webhook.url` or a deleted endpoint. */
  endpointName: z.string().nullable(),
  /** When the event happened (the delivery was recorded with it). */
  occurredAt: z.string(),
  /** When it succeeded; null until then. */
  deliveredAt: z.string().nullable(),
  /** Finished, its event still kept, and its endpoint (if any) still there and enabled. */
  canRedeliver: z.boolean(),
});
export type WebhookDeliveryView = z.infer<typeof webhookDeliveryViewSchema>;

/** One attempt of a delivery in the Speko SDK's `WebhookDeliveryAttempt` shape (from the attempt log). */
export const webhookDeliveryAttemptSchema = z.strictObject({
  id: z.string(),
  attemptNumber: z.number().int(),
  /** `manual`: an attempt of a redelivery's series. */
  trigger: z.enum(['automatic', 'manual']),
  requestUrl: z.string(),
  /** The headers sent, but the signature and timestamp. */
  requestHeaders: z.record(z.string(), z.string()),
  requestBody: z.string().nullable(),
  responseStatus: z.number().int().nullable(),
  /** The first bytes of the answer (`responseTruncated` when there was more). */
  responseBody: z.string().nullable(),
  responseTruncated: z.boolean(),
  durationMs: z.number(),
  error: z.string().nullable(),
  createdAt: z.string(),
});
export type WebhookDeliveryAttempt = z.infer<typeof webhookDeliveryAttemptSchema>;

/**
 * `GET /v1/webhook-deliveries/:id`: the delivery with its event and its attempts (the Speko
 * SDK's `WebhookDeliveryDetail`): `attempts` is here the list, and `attemptCount` the
 * current series' count that `attempts` is in the listing.
 */
export const webhookDeliveryDetailSchema = webhookDeliveryViewSchema.omit({ attempts: true }).extend({
  attemptCount: z.number().int().min(0),
  /** The event body sent; null once it is past retention. */
  requestPayload: z.record(z.string(), z.unknown()).nullable(),
  /** Newest first, as many as the subject's attempt log keeps. */
  attempts: z.array(webhookDeliveryAttemptSchema),
});
export type WebhookDeliveryDetail = z.infer<typeof webhookDeliveryDetailSchema>;

/**
 * `POST /v1/webhook-deliveries/:id/redeliver`: the delivery beside the outcome of the new
 * series' first attempt (the Speko SDK reads `{delivered, httpStatus, error}`); 202 with
 * `delivered: false` and nulls when that attempt had not finished within the wait.
 */
export const webhookRedeliveryViewSchema = webhookDeliveryViewSchema.extend({ delivered: z.boolean() });
export type WebhookRedeliveryView = z.infer<typeof webhookRedeliveryViewSchema>;

/** `GET /v1/webhook-deliveries` query. */
export const listWebhookDeliveriesQuerySchema = z
  .strictObject({
    state: webhookDeliveryStateSchema.optional(),
    /** The Speko SDK's name for `state`. */
    status: webhookDeliveryStateSchema.optional(),
    event: eventType.optional(),
    jobId: z.string().max(64).optional(),
    /** The Speko SDK's name for the event's subject: a voxq job (or batch) id, like `jobId`. */
    sessionId: z.string().max(64).optional(),
    endpointId: z.string().max(64).optional(),
    /** Deliveries recorded at or after / at or before (ISO 8601 dates or timestamps; a date `to` takes its whole day). */
    from: isoInstantSchema.optional(),
    to: z.union([z.iso.date().transform((d) => new Date(Date.parse(d) + 24 * 3600_000 - 1)), isoInstantSchema]).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    /** Opaque cursor from a previous page's `nextCursor`. */
    cursor: z.string().max(256).optional(),
  })
  .refine((q) => !q.state || !q.status || q.state === q.status, { path: ['status'], message: 'state and status are the same filter: send one' })
  .refine((q) => !q.jobId || !q.sessionId || q.jobId === q.sessionId, { path: ['sessionId'], message: 'jobId and sessionId are the same filter: send one' });
export type ListWebhookDeliveriesQuery = z.infer<typeof listWebhookDeliveriesQuerySchema>;

/** One HTTP attempt at a job's webhook, as `GET /v1/jobs/:id/deliveries` lists them (newest first). */
export const webhookAttemptViewSchema = z.strictObject({
  object: z.literal('webhook_attempt'),
  deliveryId: z.string().nullable(),
  endpointId: z.string().nullable(),
  attempt: z.number().int(),
  at: z.string(),
  url: z.string(),
  statusCode: z.number().int().nullable(),
  latencyMs: z.number(),
  responseExcerpt: z.string().nullable(),
  error: z.string().nullable(),
});
export type WebhookAttemptView = z.infer<typeof webhookAttemptViewSchema>;

/**
 * A delivery as voxq stores it (`WebhookDeliveryStore` in Redis, the `webhook_deliveries`
 * history table): the view's own fields, without those derived when it is shown, plus its
 * tenant and attempt series. Not strict: a record a newer version wrote still reads.
 */
export const webhookDeliveryRecordSchema = z.object({
  ...webhookDeliveryViewSchema.omit({
    object: true,
    status: true,
    event: true,
    httpStatus: true,
    error: true,
    endpointName: true,
    occurredAt: true,
    deliveredAt: true,
    canRedeliver: true,
  }).shape,
  /**
   * The event's subject (`event.data.id`): a job id for `job.*` events, a batch id for
   * `batch.*` ones. The field kept its stored and listed name, so a batch's deliveries are
   * listed with `jobId=<batch id>` and indexed under `<prefix>:job:<batch id>:webhook-deliveries`.
   */
  jobId: z.string().nullable(),
  tenantId: z.string(),
  /** 0 for the first series of attempts, +1 per redelivery (it names the series' queue job). */
  series: z.number().int().min(0),
});
export type WebhookDeliveryRecord = z.infer<typeof webhookDeliveryRecordSchema>;

/**
 * One line of the attempt log of an event's subject (a job's, or a batch's for `batch.*`
 * events), newest first, as the dispatcher writes it and the history tier keeps it. Not
 * strict, so a line a newer version wrote still reads.
 */
export const deliveryAttemptSchema = z.object({
  attempt: z.number(),
  at: z.string(),
  url: z.string(),
  status: z.number().nullable(),
  ms: z.number(),
  excerpt: z.string().nullable(),
  error: z.string().nullable(),
  /** The delivery record and endpoint of the attempt (absent in entries written before they existed). */
  deliveryId: z.string().nullable().optional(),
  endpointId: z.string().nullable().optional(),
  /** The delivery's series: 0 for its first, +1 per redelivery (absent in entries written before it was kept). */
  series: z.number().optional(),
});
export type DeliveryAttempt = z.infer<typeof deliveryAttemptSchema>;
