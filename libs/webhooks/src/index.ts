export { deliverWebhook, EXCERPT_BYTES, isDelivered, WEBHOOK_USER_AGENT } from './deliver';
export type { DeliveryRequest, DeliveryResponse } from './deliver';
export {
  createDeliveryProcessor,
  deadLetterKey,
  DELIVERY_LOG_LENGTH,
  deliveryLogKey,
} from './delivery-processor';
export type {
  DeadLetter,
  DeliveryAttempt,
  DeliveryOutcome,
  DeliveryProcessor,
  DeliveryProcessorDeps,
  SecretLookup,
} from './delivery-processor';
export { startDispatcher } from './dispatcher';
export type { Dispatcher, DispatcherOptions } from './dispatcher';
export { buildJobEvent, deliveryJobId, enqueueJobEvent, enqueueWebhook, webhookDeliverySchema } from './events';
export type { WebhookDelivery } from './events';
export { generateWebhookSecret, signWebhook } from './signing';
export type { WebhookSignatureHeaders } from './signing';
export {
  assertDeliverableUrl,
  createGuardedLookup,
  isPrivateAddress,
  PRIVATE_ADDRESS_CODE,
  URL_GUARD_CODES,
} from './url-guard';
export type { UrlPolicy } from './url-guard';
