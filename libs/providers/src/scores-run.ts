import { randomUUID } from 'node:crypto';
import type { RedisClient } from '@voxq/redis-keys';
import { z } from 'zod';
import { CAPABILITIES, constraintsSchema, routingIntentSchema } from '@voxq/contracts';
import { redisKeys } from '@voxq/redis-keys';

/** How long a ranking stays inspectable after the job that made it. */
export const SCORES_RUN_TTL_SECONDS = 7 * 24 * 3600;

/** One routing decision: who could serve the job, in which order, and who was left out. */
export const scoresRunSchema = z.object({
  id: z.string(),
  /** The tenant whose job it ranked for; only that tenant may read it. */
  tenantId: z.string().optional(),
  capability: z.enum(CAPABILITIES),
  intent: routingIntentSchema,
  constraints: constraintsSchema,
  createdAt: z.string(),
  candidates: z.array(
    z.object({
      provider: z.string(),
      model: z.string(),
      rank: z.number().int(),
      score: z.number(),
      components: z.object({ quality: z.number(), latency: z.number(), cost: z.number(), vertical: z.number(), health: z.number() }),
      latencyMs: z.number(),
      errorRate: z.number(),
      /** The arithmetic behind the score, in words. */
      reason: z.string(),
    }),
  ),
  excluded: z.array(z.object({ provider: z.string(), by: z.string().optional(), reason: z.string() })),
});
export type ScoresRun = z.infer<typeof scoresRunSchema>;

export function newScoresRunId(): string {
  return `sr_${randomUUID().replaceAll('-', '')}`;
}

function scoresRunKey(prefix: string, id: string): string {
  return redisKeys(prefix).providers.scoresRun(id);
}

/**
 * Keeps a ranking for `GET /v1/scores-runs/:id`. With a history tier (`toHistory`) it has no
 * expiry and waits in the pending set until the history mover has copied it; else it expires.
 */
export async function saveScoresRun(redis: RedisClient, prefix: string, run: ScoresRun, { toHistory = false } = {}): Promise<void> {
  const key = scoresRunKey(prefix, run.id);
  if (!toHistory) {
    await redis.set(key, JSON.stringify(run), 'EX', SCORES_RUN_TTL_SECONDS);
    return;
  }
  const replies = await redis.multi().set(key, JSON.stringify(run)).zadd(redisKeys(prefix).providers.scoresRunsPending(), Date.now(), run.id).exec();
  const failed = replies?.find(([error]) => error);
  if (failed) throw failed[0];
}

/** The stored ranking, or undefined once it has expired (or never existed). */
export async function getScoresRun(redis: RedisClient, prefix: string, id: string): Promise<ScoresRun | undefined> {
  const raw = await redis.get(scoresRunKey(prefix, id));
  return raw === null ? undefined : scoresRunSchema.parse(JSON.parse(raw));
}
