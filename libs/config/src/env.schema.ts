import { z } from 'zod';
import { redisClusterNodes } from './redis-cluster';
import { parseDuration } from './duration';

const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);
const bool = (def: boolean) => z.stringbool().default(def);
const list = (def: string) =>
  z
    .string()
    .default(def)
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    );
const url = z.url({ protocol: /^https?$/ });

const DAY_MS = 86_400_000;
/** One duration (`5s`, `30m`, `2h`), in milliseconds. */
const duration = (def: string, max = 7 * DAY_MS) =>
  z
    .string()
    .default(def)
    .transform((text, ctx) => {
      const ms = parseDuration(text);
      if (typeof ms === 'string') ctx.addIssue({ code: 'custom', message: ms });
      else if (ms > max) ctx.addIssue({ code: 'custom', message: `'${text.trim()}' is longer than the maximum of ${max / DAY_MS} days` });
      return typeof ms === 'number' ? ms : 0;
    });

/** Svix's schedule: 8 attempts over about 28 hours. */
export const DEFAULT_WEBHOOK_RETRY_SCHEDULE = '0,5s,5m,30m,2h,5h,10h,10h';
const MAX_WEBHOOK_ATTEMPTS = 50;

/** Comma-separated delays, one per attempt: the first is before the first attempt (usually 0). */
const retrySchedule = z
  .string()
  .default(DEFAULT_WEBHOOK_RETRY_SCHEDULE)
  .transform((text, ctx) => {
    const parts = text.split(',');
    const delays: number[] = [];
    for (const [i, part] of parts.entries()) {
      const ms = parseDuration(part);
      if (typeof ms === 'string') ctx.addIssue({ code: 'custom', message: `entry ${i + 1}: ${ms}` });
      else if (ms > 7 * DAY_MS) ctx.addIssue({ code: 'custom', message: `entry ${i + 1}: '${part.trim()}' is longer than 7 days` });
      else delays.push(ms);
    }
    if (parts.length > MAX_WEBHOOK_ATTEMPTS) ctx.addIssue({ code: 'custom', message: `at most ${MAX_WEBHOOK_ATTEMPTS} attempts (got ${parts.length})` });
    return delays;
  });

/** Variables that were replaced; setting one is an error that names its successor. */
const replaced = (by: string) => z.undefined({ error: `no longer read: use ${by} instead` }).optional();

/**
 * Every environment variable voxq reads, with its default, except the provider vendors' own
 * (see `EnvFragment`). `.env.example` documents them all; keep it in step. Nothing else in
 * the code base reads `process.env`.
 */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),

  /** Redis holding queues, job records, keys and webhook state. */
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
  /**
   * Redis Cluster seed nodes (`host:port,…` or `redis://[user:pass@]host:port,…`): set, every
   * process uses ioredis' Cluster client, and this wins over REDIS_URL.
   */
  REDIS_CLUSTER_NODES: redisClusterNodes,
  /**
   * Prefix of every key voxq writes. Default `voxq`, or `{voxq}` on a Redis Cluster, where it
   * must carry a hash tag: BullMQ's and voxq's scripts touch several keys at once.
   */
  REDIS_PREFIX: z
    .string()
    .regex(/^[\w{}:.-]+$/)
    .optional(),
  /**
   * How many hash-tag shards jobs spread over (queues, records, indexes, usage): 1 on one
   * Redis (default), 8 on a Redis Cluster (default), at most 256; more than 1 needs a
   * hash-tagged REDIS_PREFIX. Fixed for an installation's life (see docs/scaling.md).
   */
  REDIS_SHARDS: z.coerce.number().int().min(1).max(256).optional(),

  /**
   * The history tier (docs/history.md): Postgres holding finished jobs, deliveries and their
   * attempt logs, scores runs and batches. Unset: `npm start` runs an embedded one (PGlite).
   */
  POSTGRES_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  /**
   * Connections one process keeps to it at most. 1 against the embedded server, which runs
   * one statement at a time whoever sends it (more would only queue there).
   */
  POSTGRES_POOL_MAX: int(10, 1).pipe(z.number().max(100)),
  /** Days finished work is kept in history; a day's partitions are dropped whole once older. */
  HISTORY_RETENTION_DAYS: int(30, 1).pipe(z.number().max(3650)),
  /** Days after today whose partitions are made ahead, so a write never waits on DDL. */
  HISTORY_PARTITIONS_AHEAD_DAYS: int(3, 1).pipe(z.number().max(60)),

  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: int(8080, 0).pipe(z.number().max(65535)),
  /** Largest JSON body accepted (bytes). */
  API_JSON_LIMIT_BYTES: int(8 * 1_048_576, 1024),
  /** Largest audio upload accepted inline (binary body or base64), in bytes. */
  API_AUDIO_LIMIT_BYTES: int(25 * 1_048_576, 1024),
  /**
   * How long Speko's one-shot routes (`/v1/transcribe|synthesize|complete`) wait for their job.
   * The Speko SDK reads the answer as the result, never a job to poll, and gives up at its own
   * timeout (30 s unless its caller sets one), which cancels the job; past this, a 504 naming the job.
   */
  API_SYNC_WAIT_MS: int(600_000, 0),
  /**
   * How long the OpenAI-compatible routes wait for their job, as the official SDKs do (their
   * default timeout is 10 minutes); past it the answer is a 504 naming the job, which goes on.
   */
  API_OPENAI_WAIT_MS: int(600_000, 1_000),
  /**
   * Most synchronous chat calls (`/v1/chat/completions`, Speko's `/v1/complete`) one api
   * process runs itself at once, calling the provider inline instead of through the queue and
   * a worker; past it, and for a call that fails in a way a retry may mend, the call is queued
   * as any job. 0: every synchronous call is queued (docs/architecture.md, "Synchronous calls").
   */
  API_INLINE_MAX: int(256, 0),
  /** How long a streamed job's reply stays readable (replay, `Last-Event-ID`) after its last piece. */
  STREAM_TTL_SECONDS: int(3_600, 10),
  /** Most entries a streamed job's reply keeps (older ones are trimmed). */
  STREAM_MAX_ENTRIES: int(10_000, 100),

  /**
   * Rate limit of one API key, requests per second (0 = unlimited); a key's own limit
   * (`npm run keys -- set-limit`) overrides it. Shared by every API replica through Redis.
   */
  API_RATE_LIMIT_PER_SECOND: int(50, 0),
  /** Extra requests a key may make above its rate, per 10-second window (0 = no burst). */
  API_RATE_LIMIT_BURST: int(100, 0),
  /** Jobs a tenant may submit per calendar month, UTC (0 = unlimited); `npm run keys -- allowance` sets one tenant's. */
  TENANT_MONTHLY_JOB_ALLOWANCE: int(0, 0),

  /** Realtime sessions (`GET /v1/realtime`) a tenant may hold open at once, across every API replica (0 = unlimited). */
  REALTIME_MAX_SESSIONS_PER_TENANT: int(10, 0),
  /** Longest a realtime session may last, seconds; it is then closed (OpenAI's own sessions end at 60 minutes). */
  REALTIME_MAX_SESSION_SECONDS: int(1_800, 1),
  /** Bytes a realtime client may leave unread before the relay stops reading its upstream (backpressure). */
  REALTIME_MAX_BUFFERED_BYTES: int(4 * 1_048_576, 16_384),
  /** How long a realtime client may stay over `REALTIME_MAX_BUFFERED_BYTES` before its session is closed, ms. */
  REALTIME_SLOW_CLIENT_MS: int(10_000, 100),

  /** Job queues this worker process serves; one image scales per queue. */
  WORKER_QUEUES: list('transcribe,synthesize,complete,embed,image').pipe(z.array(z.enum(['transcribe', 'synthesize', 'complete', 'embed', 'image'])).min(1)),
  /** Jobs processed at once per queue by one worker process. */
  WORKER_CONCURRENCY: int(64, 1),
  /** Local engines spawn a process per job; they get their own, lower, limit. */
  WORKER_LOCAL_ENGINE_CONCURRENCY: int(2, 1),
  /**
   * How far V8 lets a worker's heap grow past what survived its last mark-compact, percent
   * (`--heap-growing-percent`; 0 = V8's own factor, up to 4×): in-flight jobs' promoted
   * garbage is collected at 2× the live heap. Not a cap (libs/process `applyHeapGrowingPercent`).
   */
  WORKER_HEAP_GROWING_PERCENT: int(100, 0).pipe(z.number().max(1_000)),

  /** Attempts per job (each attempt may itself fail over across providers). */
  JOB_ATTEMPTS: int(3, 1),
  /** Base delay of the exponential backoff between attempts. */
  JOB_BACKOFF_MS: int(2_000, 0),
  /** How long finished jobs (record, result, audio) are kept. */
  JOB_RETENTION_SECONDS: int(7 * 24 * 3600, 60),
  /**
   * With a history tier (POSTGRES_URL): how long a finished job's record stays readable in
   * Redis as well, counted from its finish (fresh results are read most); then only in history.
   */
  JOB_HOT_SECONDS: int(300, 1),
  /** Finished records the history mover copies to Postgres per batch (one statement each). */
  HISTORY_MOVE_BATCH: int(500, 1).pipe(z.number().max(5_000)),
  /** Those batches the mover writes at once (each its own statement and connection). */
  HISTORY_MOVE_PARALLEL: int(4, 1).pipe(z.number().max(32)),
  /**
   * Finished jobs that may wait in Redis for the history tier (Postgres down or slow) before
   * new submissions get 503: Redis holds about 2 KB each meanwhile. 0: no bound.
   */
  HISTORY_PENDING_MAX: int(500_000, 0),

  /**
   * Delay before each webhook attempt (`0,5s,5m,30m,2h,5h,10h,10h`): as many attempts as
   * entries, then the delivery is dead-lettered. A receiver's `Retry-After` can lengthen a delay.
   */
  WEBHOOK_RETRY_SCHEDULE: retrySchedule,
  WEBHOOK_ATTEMPTS: replaced('WEBHOOK_RETRY_SCHEDULE (one delay per attempt)'),
  WEBHOOK_BACKOFF_MS: replaced('WEBHOOK_RETRY_SCHEDULE (one delay per attempt)'),
  /** Budget of one webhook attempt: connect, send, and read the start of the answer. */
  WEBHOOK_TIMEOUT_MS: int(15_000, 100),
  /** After a secret rotation, deliveries are also signed with the old secret for this long. */
  WEBHOOK_SECRET_ROTATION_GRACE: duration('24h'),
  /** Longest wait a receiver's `Retry-After` may impose before the next attempt. */
  WEBHOOK_RETRY_AFTER_MAX: duration('1h', 1 * DAY_MS),
  DISPATCHER_CONCURRENCY: int(64, 1),
  /** Allow webhook/tool URLs on loopback and private networks (local development, tests). */
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: bool(false),
  /** Allow plain-http webhook/tool URLs (local development, tests). */
  WEBHOOK_ALLOW_HTTP: bool(false),

  /** Timeout of one call to an upstream provider. */
  PROVIDER_TIMEOUT_MS: int(60_000, 100),

  /** Most providers one attempt may try before it fails (and BullMQ retries later). */
  PROVIDER_MAX_CANDIDATES: int(3, 1),
  /** Time budget of one attempt across all its candidates. */
  PROVIDER_ATTEMPT_DEADLINE_MS: int(180_000, 100),
  /** Failures within the window that open a provider's circuit breaker. */
  PROVIDER_BREAKER_FAILURES: int(5, 1),
  PROVIDER_BREAKER_WINDOW_MS: int(30_000, 100),
  /** How long an open breaker keeps a provider out of rotation before a half-open probe. */
  PROVIDER_BREAKER_COOLDOWN_MS: int(30_000, 100),
  /** JSON file with provider limits, catalog overrides and extra OpenAI-compatible servers. */
  VOXQ_CONFIG_FILE: z.string().min(1).optional(),

  // Provider vendors declare their own variables (OPENAI_*, ANTHROPIC_*, ESPEAK_*, …) in
  // their folders of libs/providers (`<vendor>/vendor.ts`); `loadConfig` validates them with
  // these when given the providers' fragments.

  /**
   * S3-compatible object storage for audio (inputs, uploads, results): AWS S3, MinIO, or
   * the s3rver `npm start` runs. Unset endpoint = AWS S3 in `S3_REGION`.
   */
  S3_ENDPOINT: url.optional(),
  /**
   * The endpoint presigned URLs name, when clients reach the store by another address than
   * voxq does (`http://minio:9000` inside Docker, `https://s3.example.com` outside).
   */
  S3_PUBLIC_ENDPOINT: url.optional(),
  S3_REGION: z
    .string()
    .regex(/^[a-z0-9-]{2,32}$/, 'must be a region name such as us-east-1')
    .default('us-east-1'),
  /** The bucket voxq keeps everything in, under `tenants/<tenantId>/`. */
  S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)')
    .default('voxq'),
  /** Static credentials; both or neither (neither = the AWS default chain: env, profile, instance role). */
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** Path-style URLs (`endpoint/bucket/key`), as MinIO and s3rver need; default true when S3_ENDPOINT is set. */
  S3_FORCE_PATH_STYLE: z.stringbool().optional(),
  /** Lifetime of presigned URLs (result downloads, direct uploads), seconds; S3 allows at most 7 days. */
  S3_PRESIGN_TTL_SECONDS: int(900, 1).pipe(z.number().max(7 * 24 * 3600)),
  /**
   * How long a worker keeps retrying an S3 call that found the store unavailable, inside the
   * job's attempt (a result already made is kept meanwhile), seconds; 0: no retries of ours.
   */
  S3_RETRY_WINDOW_SECONDS: int(600, 0).pipe(z.number().max(86_400)),
  /** Largest upload accepted (streamed to S3, never buffered), bytes. Default 2 GiB. */
  UPLOAD_MAX_BYTES: int(2 * 1_073_741_824, 1),

  /**
   * How often the worker lists each drop rule's prefix for new objects (bucket drops), ms;
   * 0 = off (rely on S3 event notifications to `POST /v1/s3-events`).
   */
  DROP_POLL_INTERVAL_MS: int(5_000, 0),

  /** Batches (OpenAI's limits by default): most requests in one batch, and largest input file, bytes. */
  BATCH_MAX_REQUESTS: int(50_000, 1),
  BATCH_MAX_FILE_BYTES: int(200 * 1_048_576, 1),
  /** How often a running batch checks its progress (and its deadline), ms. */
  BATCH_POLL_MS: int(1_000, 10),
  /** Batch files (inputs and outputs) are deleted this long after they are made unless the request says otherwise, seconds. */
  BATCH_FILE_RETENTION_SECONDS: int(30 * 24 * 3600, 60),

  /**
   * Prometheus metrics (docs/operations.md, Metrics). The api serves `GET /metrics` on its
   * own port; the worker and the dispatcher on `METRICS_HOST:METRICS_PORT` (0 = no listener).
   * With `METRICS_TOKEN` set, every scrape must send `Authorization: Bearer <token>`.
   */
  METRICS_PORT: int(0, 0).pipe(z.number().max(65535)),
  METRICS_HOST: z.string().default('127.0.0.1'),
  METRICS_TOKEN: z.string().min(16).optional(),

  /**
   * The operator dashboard (docs/operations.md, Dashboard): `/admin` (status page) and
   * `/admin/queues` (bull-board) on the api's port. Off (404) unless `ADMIN_TOKEN` is set;
   * operators send it as `Authorization: Bearer <token>` or HTTP Basic (user `admin`).
   * bull-board is read-only unless `ADMIN_QUEUE_ACTIONS` is true (retry, remove, pause, …).
   */
  ADMIN_TOKEN: z.string().min(16).optional(),
  ADMIN_QUEUE_ACTIONS: bool(false),

  /**
   * Port of the provider simulator app (tests, benchmarks, local start). A provider whose
   * base URL is a loopback address on this port is marked `simulated` in `/v1/models`.
   */
  SIMULATOR_PORT: int(4010, 0).pipe(z.number().max(65535)),
  /** The simulator's streaming pace: ms between a streamed answer's tokens (`PUT /_simulator/latency` changes it per vendor). */
  SIMULATOR_TOKEN_MS: int(30, 0),

  /**
   * Process lifecycle (docs/operations.md). How long in-flight work may run after SIGTERM
   * before it is handed back to the queue; keep it under the orchestrator's kill timeout
   * (Kubernetes: 30 s). Start anyway when Redis's `maxmemory-policy` is not `noeviction`
   * (BullMQ may then lose jobs under memory pressure): only for those who know why.
   */
  SHUTDOWN_GRACE_MS: int(25_000, 0).pipe(z.number().max(600_000)),
  REDIS_ALLOW_EVICTION: bool(false),
});

export type Env = z.infer<typeof envSchema>;
