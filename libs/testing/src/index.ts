export { resolveTestRedis } from './redis-server';
export type { TestRedis } from './redis-server';
export { cleanupPrefix, eventually, testConfig } from './test-env';
