export { defineScripts } from './define-scripts';
export type { LuaScript, ScriptCommands, ScriptPipeline } from './define-scripts';
export { redisKeys } from './redis-keys';
export type { RedisKeys } from './redis-keys';
export type { RedisClient } from './redis-client';
export { KeyShards, MAX_SHARDS } from './key-shards';
export { Lease } from './lease';
export { Coalescer } from './coalescer';
