export { resolveTestRedis } from './redis-server';
export type { TestRedis } from './redis-server';
export { cleanupPrefix, eventually, testConfig } from './test-env';
export { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver, type WebhookReceiverOptions } from './webhook-receiver';
export { startStack } from './stack';
export type { TestResponse, TestStack } from './stack';
