import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { CAPABILITIES, constraintsSchema, routingIntentSchema } from '@voxq/contracts';

/** How long a ranking stays inspectable after the job that made it. */
export const SCORES_RUN_TTL_SECONDS = 7 * 24 * 3600;

/** One routing decision: who could serve the job, in which order, and who was left out. */
export const scoresRunSchema = z.object({
  id: z.string(),
  capability: z.enum(CAPABILITIES),
  intent: routingIntentSchema,
  constraints: constraintsSchema,
  createdAt: z.string(),
  candidates: z.array(z.object({ provider: z.string(), model: z.string(), rank: z.number().int(), reason: z.string() })),
  excluded: z.array(z.object({ provider: z.string(), by: z.string().optional(), reason: z.string() })),
});
export type ScoresRun = z.infer<typeof scoresRunSchema>;

export function newScoresRunId(): string {
  return `sr_${randomUUID().replaceAll('-', '')}`;
}

function scoresRunKey(prefix: string, id: string): string {
  return `${prefix}:scores-run:${id}`;
}

export async function saveScoresRun(redis: Redis, prefix: string, run: ScoresRun): Promise<void> {
  await redis.set(scoresRunKey(prefix, run.id), JSON.stringify(run), 'EX', SCORES_RUN_TTL_SECONDS);
}

/** The stored ranking, or undefined once it has expired (or never existed). */
export async function getScoresRun(redis: Redis, prefix: string, id: string): Promise<ScoresRun | undefined> {
  const raw = await redis.get(scoresRunKey(prefix, id));
  return raw === null ? undefined : scoresRunSchema.parse(JSON.parse(raw));
}
