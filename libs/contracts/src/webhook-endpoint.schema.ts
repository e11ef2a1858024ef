import { z } from 'zod';
import { WEBHOOK_EVENT_TYPES, webhookEventTypeSchema } from './webhook-event.schema';

const endpointUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).max(2048);
const eventList = z
  .array(webhookEventTypeSchema)
  .min(1)
  .transform((events) => [...new Set(events)]);
const description = z.string().max(512);

/** `POST /v1/webhooks`: a tenant's endpoint; it receives every event type unless `events` narrows it. */
export const createWebhookEndpointSchema = z.strictObject({
  url: endpointUrl,
  events: eventList.default([...WEBHOOK_EVENT_TYPES]),
  description: description.nullable().default(null),
  enabled: z.boolean().default(true),
});
export type CreateWebhookEndpoint = z.infer<typeof createWebhookEndpointSchema>;

/** `PATCH /v1/webhooks/:id`: any of the fields, at least one. */
export const updateWebhookEndpointSchema = z
  .strictObject({
    url: endpointUrl.optional(),
    events: eventList.optional(),
    description: description.nullable().optional(),
    enabled: z.boolean().optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, 'send at least one of url, events, description, enabled');
export type UpdateWebhookEndpoint = z.infer<typeof updateWebhookEndpointSchema>;

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
});
export type WebhookDeliveryView = z.infer<typeof webhookDeliveryViewSchema>;

/** `GET /v1/webhook-deliveries` query. */
export const listWebhookDeliveriesQuerySchema = z.strictObject({
  state: webhookDeliveryStateSchema.optional(),
  jobId: z.string().max(64).optional(),
  endpointId: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  /** Opaque cursor from a previous page's `nextCursor`. */
  cursor: z.string().max(256).optional(),
});
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
