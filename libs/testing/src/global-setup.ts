import type { TestProject } from 'vitest/node';
import { resolveTestRedis } from './redis-server';
import { resolveTestS3 } from './s3-server';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    /** `TEST_REDIS_CLUSTER_NODES`: the run is against that Redis Cluster; '' otherwise. */
    redisClusterNodes: string;
    s3Endpoint: string;
    s3Bucket: string;
    s3AccessKeyId: string;
    s3SecretAccessKey: string;
  }
}

/** Vitest global setup of the integration project: one real Redis and one S3 for the whole run. */
export default async function setup(project: TestProject) {
  const redis = await resolveTestRedis();
  console.log(`[voxq tests] Redis: ${redis.source} (${redis.url})`);
  project.provide('redisUrl', redis.url);
  // The suite against a Redis Cluster (`.ci/run` starts one): the stacks use it, while tests
  // that need a Redis of their own (to stop it, to start voxq on it) still start one. Its own
  // name, not REDIS_CLUSTER_NODES: child processes inherit this environment, and those given
  // a Redis of their own must not find a cluster there (`redisEnv` passes it where meant).
  const cluster = process.env.TEST_REDIS_CLUSTER_NODES ?? '';
  if (cluster) console.log(`[voxq tests] Redis Cluster: ${cluster}`);
  project.provide('redisClusterNodes', cluster);
  const s3 = await resolveTestS3().catch(async (error: unknown) => {
    await redis.stop();
    throw error;
  });
  console.log(`[voxq tests] S3: ${s3.source} (${s3.endpoint}, bucket ${s3.bucket})`);
  project.provide('s3Endpoint', s3.endpoint);
  project.provide('s3Bucket', s3.bucket);
  project.provide('s3AccessKeyId', s3.accessKeyId);
  project.provide('s3SecretAccessKey', s3.secretAccessKey);
  return async () => {
    await s3.stop();
    await redis.stop();
  };
}
