export { drainWorker, untilAborted } from './drain';
export type { DrainableWorker } from './drain';
export { checkRedis, redactRedisUrl } from './redis-check';
export { logQueueError, watchRedisConnection } from './redis-outage-log';
export { runService } from './run-service';
export type { RunServiceOptions, Service } from './run-service';
export { StartupCheckError } from './startup-check';
export type { StartupCheck } from './startup-check';
export { createCommandConnection, createRedisConnection, type RedisTarget } from './redis-connection';
