import type { RedisClient } from '@voxq/redis-keys';
import { z } from 'zod';
import { chatMessageSchema, serverToolCallSchema, usageSchema } from '@voxq/contracts';
import type { KeyShards } from '@voxq/redis-keys';

/** A server-side call in the loop: its answer (`content`, `isError`) is filled when it arrives. */
const loopToolCallSchema = serverToolCallSchema.partial({ content: true, isError: true });
export type ServerToolCall = z.infer<typeof loopToolCallSchema>;

/**
 * A `complete` job's tool loop between hops: what the model has said and been told, and
 * every server-side tool call with its answer. Saved before tool calls go out, so a worker
 * that dies mid-loop is replaced by one that resumes without calling a tool twice.
 */
export const toolLoopStateSchema = z.object({
  /** Rounds of server-side tool calls so far. */
  hop: z.number().int().min(0),
  /** True while the current hop's webhook calls are out. */
  awaiting: z.boolean(),
  /** The assistant and tool messages the loop added after the job's own messages. */
  transcript: z.array(chatMessageSchema),
  usage: usageSchema,
  failoverCount: z.number().int().min(0),
  providerAttempts: z.array(
    z.object({ provider: z.string(), model: z.string(), ms: z.number(), error: z.object({ code: z.string(), message: z.string() }).optional() }),
  ),
  calls: z.array(loopToolCallSchema),
});
export type ToolLoopState = z.infer<typeof toolLoopStateSchema>;

export const freshToolLoop = (): ToolLoopState => ({
  hop: 0,
  awaiting: false,
  transcript: [],
  usage: { promptTokens: 0, completionTokens: 0 },
  failoverCount: 0,
  providerAttempts: [],
  calls: [],
});

/** The id of a tool call's job: the same call always maps to the same job (no repeats). */
export const toolCallJobId = (jobId: string, hop: number, callId: string) => `${jobId}.${hop}.${callId.replace(/[^\w.-]/g, '_')}`;

/** Tool loops in RedisClient, beside the job's record and with its retention. */
export class ToolLoopStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly shards: KeyShards,
    private readonly ttlSeconds: number,
  ) {}

  private key = (jobId: string) => this.shards.keysFor(jobId).jobs.toolLoop(jobId);

  async load(jobId: string): Promise<ToolLoopState | null> {
    const raw = await this.redis.get(this.key(jobId));
    return raw === null ? null : toolLoopStateSchema.parse(JSON.parse(raw));
  }

  async save(jobId: string, state: ToolLoopState): Promise<void> {
    await this.redis.set(this.key(jobId), JSON.stringify(state), 'EX', this.ttlSeconds);
  }

  async clear(jobId: string): Promise<void> {
    await this.redis.del(this.key(jobId));
  }
}
