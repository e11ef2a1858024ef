import type { TestProject } from 'vitest/node';
import { resolveTestRedis } from './redis-server';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

/** Vitest global setup of the integration project: one real Redis for the whole run. */
export default async function setup(project: TestProject) {
  const redis = await resolveTestRedis();
  console.log(`[voxq tests] Redis: ${redis.source} (${redis.url})`);
  project.provide('redisUrl', redis.url);
  return () => redis.stop();
}
