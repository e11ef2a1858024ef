export { freePort, resolveTestRedis, spawnRedisServer } from './redis-server';
export type { TestRedis } from './redis-server';
export { resolveTestS3, startS3rver } from './s3-server';
export { DEFAULT_TEST_POSTGRES_URL, testPostgres } from './test-postgres';
export type { TestPostgres } from './test-postgres';
export type { TestS3 } from './s3-server';
export { appProcessEnv, cleanupPrefix, eventually, onRedisCluster, redisEnv, testConfig } from './test-env';
export { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver, type WebhookReceiverAnswer, type WebhookReceiverOptions } from './webhook-receiver';
export { startSimulatedStack, startStack } from './stack';
export type { SimulatedStack, StackOptions, TestResponse, TestStack } from './stack';
export { sineWav } from './audio-fixture';
export { parseSseEvents, type SseEvent } from './sse';
export {
  readSseBlocks,
  SPEKO_SDK_USER_AGENT,
  SpekoWireClient,
  SpekoWireError,
  type RoutingOptions,
  type StreamEvent,
  type WireEvent,
} from './speko-wire-client';
export { bundleApps, type AppBundles } from './app-bundle';
export { startTcpProxy, type TcpProxy } from './tcp-proxy';
export { installationKeys, scanKeys } from './scan-keys';
export { eachLine, jsonLogLines } from './log-lines';
export { testQueues } from './test-queues';
export { RealtimeTestClient, type RealtimeEvent, type RefusedHandshake } from './realtime-client';
