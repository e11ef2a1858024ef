import type { RedisClient } from '@voxq/redis-keys';
import type { StreamEntry, TokenLogprob, ToolProgress } from '@voxq/contracts';
import type { Logger } from '@voxq/logging';
import { defineScripts, type KeyShards, type ScriptPipeline } from '@voxq/redis-keys';
import appendLua from './scripts/stream-append.lua';

interface StreamScripts {
  voxqStreamAppend(stream: string, channel: string, maxEntries: number, ttlMs: number, ...entries: string[]): Promise<number>;
}

export interface StreamLimits {
  /** Most entries a job's stream keeps. */
  maxEntries: number;
  /** How long the stream outlives its last entry. */
  ttlSeconds: number;
}

/** What a streamed reply's writer knows of the provider call making it. */
export interface ReplyMeta {
  /** `<attempt>.<hop>.<try>`: unique within the job. */
  r: string;
  hop: number;
  provider: string;
  model: string;
  /** Providers that failed before this one in its hop, and in the whole job so far. */
  failovers?: { hop: number; total: number };
  /** The scores run that ranked the providers. */
  scoresRunId?: string;
}

/**
 * One provider call's reply, written as it is made: `start` before the first piece, the
 * pieces, then `end` when the call succeeds or `cut` when it fails after pieces were
 * written. A call that fails before its first piece leaves no trace, so a failover before
 * the first token is invisible to readers.
 */
export interface ReplyStream {
  delta(piece: {
    index?: number;
    content?: string;
    toolCalls?: Array<{ index: number; id?: string; name?: string; args?: string }>;
    logprobs?: TokenLogprob[];
  }): void;
  /** The call succeeded; resolves once everything is in Redis (before the job's result is stored). */
  end(): Promise<void>;
  /** The call failed after `delta`s: what was written is void. */
  cut(error: { code: string; message: string }): Promise<void>;
}

/** A job's delta stream: opens one `ReplyStream` per provider call. */
export interface JobDeltas {
  reply(meta: ReplyMeta): ReplyStream;
  /** Names the reply the job's result is from; resolves once written (before the result is stored). */
  final(r: string): Promise<void>;
  /** A server-side tool call's progress; resolves once written. */
  tool(progress: ToolProgress): Promise<void>;
  /** A lead-in before a hop's tools run; resolves once written. */
  lead(hop: number, text: string): Promise<void>;
}

/**
 * Writes streamed jobs' replies into Redis for the API to relay: each job has a capped,
 * expiring stream (replayed to late readers and on `Last-Event-ID`) and a channel on which
 * the same entries are published with their ids (live readers need no extra read). Pieces
 * arriving within one turn of the event loop, from every job of the process, go out in one
 * pipeline (one script call per job, one socket write for all), in order; a Redis failure
 * loses live pieces, never the job: its result is stored apart.
 */
export class ReplyStreamWriter {
  private readonly redis: RedisClient & StreamScripts;
  /** Entries waiting for the next pipeline, by job stream. */
  private pending = new Map<string, { jobId: string; channel: string; entries: string[] }>();
  private scheduled = false;
  /** The last pipeline sent: once it is done, so is everything sent before it (one connection runs in order). */
  private sent: Promise<void> = Promise.resolve();

  constructor(
    redis: RedisClient,
    private readonly shards: KeyShards,
    private readonly limits: StreamLimits,
    private readonly logger: Logger,
  ) {
    this.redis = defineScripts<StreamScripts>(redis, { voxqStreamAppend: { keys: 2, lua: appendLua } });
  }

  private append(jobId: string, entry: StreamEntry): void {
    const keys = this.shards.keysFor(jobId);
    const stream = keys.jobs.deltas(jobId);
    let job = this.pending.get(stream);
    if (!job) this.pending.set(stream, (job = { jobId, channel: keys.channels.jobDeltas(jobId), entries: [] }));
    job.entries.push(JSON.stringify(entry));
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => void this.flush());
    }
  }

  /** Sends what is pending; resolves once it (and everything before it) is in Redis. */
  private flush(): Promise<void> {
    this.scheduled = false;
    if (this.pending.size === 0) return this.sent;
    const jobs = this.pending;
    this.pending = new Map();
    const pipeline = this.redis.pipeline() as ScriptPipeline<StreamScripts>;
    for (const [stream, job] of jobs) pipeline.voxqStreamAppend(stream, job.channel, this.limits.maxEntries, this.limits.ttlSeconds * 1000, ...job.entries);
    const lost = (error: unknown, job: { jobId: string; entries: string[] }) =>
      this.logger.warn({ err: error, jobId: job.jobId, lost: job.entries.length }, 'could not write streamed reply pieces');
    const batch = [...jobs.values()];
    this.sent = pipeline.exec().then(
      (results) => results?.forEach(([error], i) => error && lost(error, batch[i]!)),
      (error: unknown) => batch.forEach((job) => lost(error, job)),
    );
    return this.sent;
  }

  /** The job's stream; calls to its replies' methods are written in the order they are made. */
  forJob(jobId: string): JobDeltas {
    const append = (entry: StreamEntry) => this.append(jobId, entry);
    const flush = () => this.flush();
    return {
      reply(meta) {
        let started = false;
        return {
          delta(piece) {
            if (!started) {
              started = true;
              append({
                k: 'start',
                r: meta.r,
                hop: meta.hop,
                provider: meta.provider,
                model: meta.model,
                ...(meta.failovers ? { fc: meta.failovers.hop, tfc: meta.failovers.total } : {}),
                ...(meta.scoresRunId ? { run: meta.scoresRunId } : {}),
              });
            }
            append({
              k: 'delta',
              r: meta.r,
              ...(piece.index ? { i: piece.index } : {}),
              ...(piece.content ? { c: piece.content } : {}),
              ...(piece.toolCalls?.length ? { tc: piece.toolCalls } : {}),
              ...(piece.logprobs?.length ? { lp: piece.logprobs } : {}),
            });
          },
          end() {
            if (started) append({ k: 'end', r: meta.r });
            return flush();
          },
          cut(error) {
            if (started) append({ k: 'cut', r: meta.r, code: error.code, message: error.message });
            return flush();
          },
        };
      },
      final(r) {
        append({ k: 'fin', r });
        return flush();
      },
      tool(progress) {
        append({ k: 'tool', ...progress });
        return flush();
      },
      lead(hop, text) {
        append({ k: 'lead', hop, text });
        return flush();
      },
    };
  }
}
