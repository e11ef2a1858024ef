import type { Cluster, Redis } from 'ioredis';

/**
 * A connection to one Redis or to a Redis Cluster (`REDIS_CLUSTER_NODES`): stores, queues and
 * scripts take either. Keys a script or a transaction touches together share a hash tag
 * (`redisKeys`), so each runs on one slot of a cluster.
 */
export type RedisClient = Redis | Cluster;
