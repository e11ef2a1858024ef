export { deliverWebhook, EXCERPT_BYTES, isDelivered, WEBHOOK_USER_AGENT } from './deliver';
export type { DeliveryRequest, DeliveryResponse } from './deliver';
export { createDeliveryProcessor, deadLetterInvalid } from './delivery-processor';
export type { DeliveryProcessor, DeliveryProcessorDeps, WebhookJob } from './delivery-processor';
export { DELIVERY_LOG_LENGTH, readDeliveryLog } from './delivery-log';
export type { DeadLetter, DeliveryAttempt } from './delivery-log';
export type { DeliveryOutcome } from './delivery-transitions';
export type { SecretLookup } from './delivery-deps';
export { attemptDelivery } from './delivery-attempt';
export type { AttemptResult } from './delivery-attempt';
export { deliveryDeps } from './delivery-deps';
export type { DeliveryDeps } from './delivery-deps';
export { gateDelivery } from './delivery-gate';
export type { GateDecision, SkipReason } from './delivery-gate';
export { appendAttempt, deadLetter, deliveryAttemptSchema } from './delivery-log';
export { recordDispatcherError, recordFailure, recordSkip, recordStart, recordSuccess } from './delivery-transitions';
export type { AttemptContext } from './delivery-transitions';
export { FINAL_DELIVERY_STATES, OPEN_DELIVERY_STATES, toDeliveryView, WebhookDeliveryStore } from './delivery-store';
export type {
  DeliveryEndpointInfo,
  DeliveryHistory,
  DeliveryListOptions,
  DeliveryRecord,
  DeliveryStoreOptions,
  DeliveryTarget,
  FoundDelivery,
} from './delivery-store';
export { DeliveryHandoff } from './delivery-handoff';
export type { DeliveryHandoffBatch } from './delivery-handoff';
export { awaitFirstAttempt, deliveryViews, endpointInfo, endpointOptions, readDeliveryDetail } from './delivery-views';
export type { DeliveryViewDeps, FirstAttempt } from './delivery-views';
export { startDispatcher } from './dispatcher';
export type { Dispatcher, DispatcherOptions } from './dispatcher';
export { ENDPOINT_CACHE_TTL_MS, MAX_ENDPOINTS_PER_TENANT, signingSecrets, tenantHasEndpoints, toEndpointView, WebhookEndpointStore } from './endpoint-store';
export type { NewWebhookEndpoint, WebhookEndpoint } from './endpoint-store';
export {
  buildBatchEvent,
  buildJobEvent,
  deliveryJobId,
  enqueueBatchEvent,
  enqueueSessionEvent,
  buildSessionEvent,
  enqueueJobEvent,
  enqueueWebhook,
  redeliverWebhook,
  webhookDeliverySchema,
  webhookQueueContext,
} from './events';
export type { WebhookDelivery, WebhookQueueContext } from './events';
export { DELIVERY_ID_PATTERN, ENDPOINT_ID_PATTERN } from './ids';
export { createWebhookBackoffStrategy, nextRetryDelayMs, parseRetryAfter, RETRY_AFTER_STATUSES, scheduledDelayMs, WebhookRetryError } from './schedule';
export { generateWebhookSecret, signWebhook } from './signing';
export type { WebhookSignatureHeaders } from './signing';
