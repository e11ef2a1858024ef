import { readFileSync } from 'node:fs';
import { configFileSchema, type ConfigFile } from './config-file.schema';
import type { z } from 'zod';
import type { EnvFragment, FragmentState } from './env-fragment';
import { envSchema, type Env } from './env.schema';
import { hasHashTag } from './redis-cluster';

export type Config = Readonly<ReturnType<typeof shape>>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const trim = (url: string) => url.replace(/\/+$/, '');

function shape(env: Env, file: ConfigFile, source: Record<string, string | undefined>) {
  return {
    env: env.NODE_ENV,
    redis: {
      url: env.REDIS_URL,
      /** Set: a Redis Cluster (`REDIS_CLUSTER_NODES`), and `url` is not used. */
      cluster: env.REDIS_CLUSTER_NODES,
      prefix: env.REDIS_PREFIX ?? (env.REDIS_CLUSTER_NODES ? '{voxq}' : 'voxq'),
      /** Hash-tag shards jobs spread over (`@voxq/redis-keys`' KeyShards). */
      shards: env.REDIS_SHARDS ?? (env.REDIS_CLUSTER_NODES ? 8 : 1),
    },
    /** The history database; unset url: none configured (`npm start` runs an embedded one). */
    postgres: { url: env.POSTGRES_URL, poolMax: env.POSTGRES_POOL_MAX },
    history: { retentionDays: env.HISTORY_RETENTION_DAYS, partitionsAheadDays: env.HISTORY_PARTITIONS_AHEAD_DAYS },
    log: { level: env.LOG_LEVEL },
    api: {
      host: env.API_HOST,
      port: env.API_PORT,
      jsonLimitBytes: env.API_JSON_LIMIT_BYTES,
      audioLimitBytes: env.API_AUDIO_LIMIT_BYTES,
      syncWaitMs: env.API_SYNC_WAIT_MS,
      openAiWaitMs: env.API_OPENAI_WAIT_MS,
      inlineMax: env.API_INLINE_MAX,
    },
    /** Streamed replies (`libs/job-stream`). */
    streams: { ttlSeconds: env.STREAM_TTL_SECONDS, maxEntries: env.STREAM_MAX_ENTRIES },
    limits: {
      /** Per API key, unless the key has its own; 0 = unlimited. */
      rateLimit: { perSecond: env.API_RATE_LIMIT_PER_SECOND, burst: env.API_RATE_LIMIT_BURST },
      /** Jobs per tenant per UTC calendar month, unless the tenant has its own; 0 = unlimited. */
      monthlyJobAllowance: env.TENANT_MONTHLY_JOB_ALLOWANCE,
    },
    realtime: {
      /** Open sessions per tenant at once; 0 = unlimited. */
      maxSessionsPerTenant: env.REALTIME_MAX_SESSIONS_PER_TENANT,
      maxSessionMs: env.REALTIME_MAX_SESSION_SECONDS * 1000,
      /** A client's unread bytes past which the relay pauses the upstream. */
      maxBufferedBytes: env.REALTIME_MAX_BUFFERED_BYTES,
      /** How long a client may stay past `maxBufferedBytes` before the session closes. */
      slowClientMs: env.REALTIME_SLOW_CLIENT_MS,
    },
    worker: {
      queues: env.WORKER_QUEUES,
      concurrency: env.WORKER_CONCURRENCY,
      localEngineConcurrency: env.WORKER_LOCAL_ENGINE_CONCURRENCY,
      /** V8's heap growing factor for worker processes, percent over the live heap (0 = V8's own). */
      heapGrowingPercent: env.WORKER_HEAP_GROWING_PERCENT,
    },
    jobs: {
      attempts: env.JOB_ATTEMPTS,
      backoffMs: env.JOB_BACKOFF_MS,
      retentionSeconds: env.JOB_RETENTION_SECONDS,
      hotSeconds: env.JOB_HOT_SECONDS,
      historyMoveBatch: env.HISTORY_MOVE_BATCH,
      historyMoveParallel: env.HISTORY_MOVE_PARALLEL,
      historyPendingMax: env.HISTORY_PENDING_MAX,
    },
    webhooks: {
      /** Delay before each attempt, ms; its length is the number of attempts. */
      retryScheduleMs: env.WEBHOOK_RETRY_SCHEDULE as readonly number[],
      retryAfterMaxMs: env.WEBHOOK_RETRY_AFTER_MAX,
      rotationGraceMs: env.WEBHOOK_SECRET_ROTATION_GRACE,
      timeoutMs: env.WEBHOOK_TIMEOUT_MS,
      concurrency: env.DISPATCHER_CONCURRENCY,
      allowPrivateNetworks: env.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
      allowHttp: env.WEBHOOK_ALLOW_HTTP,
    },
    providers: {
      timeoutMs: env.PROVIDER_TIMEOUT_MS,
      maxCandidates: env.PROVIDER_MAX_CANDIDATES,
      attemptDeadlineMs: env.PROVIDER_ATTEMPT_DEADLINE_MS,
      breaker: { failures: env.PROVIDER_BREAKER_FAILURES, windowMs: env.PROVIDER_BREAKER_WINDOW_MS, cooldownMs: env.PROVIDER_BREAKER_COOLDOWN_MS },
      compatible: file.compatible.map(({ apiKeyEnv, ...server }) => ({
        ...server,
        baseUrl: trim(server.baseUrl),
        apiKey: apiKeyEnv ? source[apiKeyEnv] : undefined,
      })),
      /** Per-provider switches, limits and catalog overrides from the config file. */
      overrides: file.providers,
    },
    /** Alias → configured model (`model` or `provider/model`), from the config file. */
    models: { aliases: file.models.aliases },
    s3: {
      /** Unset: AWS S3 itself. */
      endpoint: env.S3_ENDPOINT === undefined ? undefined : trim(env.S3_ENDPOINT),
      /** What presigned URLs name; unset: `endpoint`. */
      publicEndpoint: env.S3_PUBLIC_ENDPOINT === undefined ? undefined : trim(env.S3_PUBLIC_ENDPOINT),
      region: env.S3_REGION,
      bucket: env.S3_BUCKET,
      /** Unset: the AWS default credential chain. */
      credentials:
        env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY ? { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY } : undefined,
      forcePathStyle: env.S3_FORCE_PATH_STYLE ?? env.S3_ENDPOINT !== undefined,
      presignTtlSeconds: env.S3_PRESIGN_TTL_SECONDS,
      /** Workers only: how long a call waits out an S3 outage (`withPatience`). */
      retryWindowSeconds: env.S3_RETRY_WINDOW_SECONDS,
    },
    uploads: { maxBytes: env.UPLOAD_MAX_BYTES },
    drops: { pollIntervalMs: env.DROP_POLL_INTERVAL_MS },
    batches: {
      maxRequests: env.BATCH_MAX_REQUESTS,
      maxFileBytes: env.BATCH_MAX_FILE_BYTES,
      pollMs: env.BATCH_POLL_MS,
      fileRetentionSeconds: env.BATCH_FILE_RETENTION_SECONDS,
    },
    metrics: { host: env.METRICS_HOST, port: env.METRICS_PORT, token: env.METRICS_TOKEN },
    /** Unset token: no dashboard (its routes answer 404). */
    admin: { token: env.ADMIN_TOKEN, queueActions: env.ADMIN_QUEUE_ACTIONS },
    simulator: { port: env.SIMULATOR_PORT, tokenMs: env.SIMULATOR_TOKEN_MS },
    lifecycle: { shutdownGraceMs: env.SHUTDOWN_GRACE_MS, redisAllowEviction: env.REDIS_ALLOW_EVICTION },
  };
}

/** Set by `loadConfig` for each config it returns (a WeakMap: a frozen config has no room, and logs never see it). */
const fragmentStates = new WeakMap<Config, FragmentState>();

/** `KEY: message (got 'value')`, never echoing a secret's value. */
function describeIssues(issues: readonly z.core.$ZodIssue[], source: Readonly<Record<string, string | undefined>>): string[] {
  return issues.map((i) => {
    const key = i.path.join('.');
    const value = source[key];
    // A URL's credentials (`redis://user:password@host`) are masked as REDIS_URL's are in logs.
    const shown = value === undefined || /KEY|SECRET|TOKEN|PASSWORD/.test(key) ? '' : ` (got '${value.replace(/\/\/[^/@\s]*@/g, '//***@')}')`;
    return `${key}: ${i.message}${shown}`;
  });
}

/** The fragment's variables that are set (empty strings count as unset). */
function pick(source: Readonly<Record<string, string | undefined>>, keys: readonly string[]): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const key of keys) {
    const value = source[key];
    if (value !== undefined && value !== '') picked[key] = value;
  }
  return picked;
}

/**
 * Parses the environment once, at start-up, and reports every problem at once: voxq's own
 * variables, the given fragments' (each provider vendor's, from libs/providers) and the
 * config file's. Empty strings count as unset so `FOO=` in a compose file falls back to the
 * default. A variable declared twice is a programming error and throws at once.
 */
export function loadConfig(source: Record<string, string | undefined> = process.env, fragments: readonly EnvFragment[] = []): Config {
  const known = Object.keys(envSchema.shape);
  const owners = new Set(known);
  for (const fragment of fragments) {
    for (const key of Object.keys(fragment.shape)) {
      if (owners.has(key)) throw new Error(`Environment variable ${key} is declared twice`);
      owners.add(key);
    }
  }
  const parsed = envSchema.safeParse(pick(source, known));
  const problems: string[] = parsed.success ? [] : describeIssues(parsed.error.issues, source);
  if (parsed.success && !parsed.data.S3_ACCESS_KEY_ID !== !parsed.data.S3_SECRET_ACCESS_KEY) {
    problems.push('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY: set both, or neither (to use the AWS default credential chain)');
  }
  if (parsed.success && parsed.data.REDIS_CLUSTER_NODES && parsed.data.REDIS_PREFIX !== undefined && !hasHashTag(parsed.data.REDIS_PREFIX)) {
    problems.push(
      `REDIS_PREFIX: on a Redis Cluster it must carry a hash tag, e.g. {${parsed.data.REDIS_PREFIX}}, so that the keys a script touches together share a slot`,
    );
  }
  if (parsed.success && (parsed.data.REDIS_SHARDS ?? 1) > 1 && !hasHashTag(parsed.data.REDIS_PREFIX ?? (parsed.data.REDIS_CLUSTER_NODES ? '{voxq}' : 'voxq'))) {
    problems.push('REDIS_SHARDS: more than one shard needs a hash-tagged REDIS_PREFIX, e.g. {voxq}: each shard swaps the tag for its own');
  }
  const snapshot = pick(source, Object.keys(source));
  const state: FragmentState = { source: snapshot, parsed: new Map() };
  for (const fragment of fragments) {
    const result = fragment.safeParse(pick(snapshot, Object.keys(fragment.shape)));
    if (result.success) state.parsed.set(fragment, result.data);
    else problems.push(...describeIssues(result.error.issues, source));
  }
  const file = readConfigFile(parsed.success ? parsed.data.VOXQ_CONFIG_FILE : undefined, problems);
  if (!parsed.success || !file || problems.length > 0) throw new ConfigError(problems);
  const config: Config = Object.freeze(shape(parsed.data, file, source));
  fragmentStates.set(config, state);
  return config;
}

/** The process's own config: `process.env`, with the fragments the process reads (what `runService` loads). */
export function loadProcessConfig(fragments: readonly EnvFragment[] = []): Config {
  return loadConfig(process.env, fragments);
}

/**
 * A fragment's values. A process passes its fragments to `loadConfig`, which validated them
 * with everything else; a config loaded without them (a test's, a tool's) parses the
 * fragment here, on first use, from the same variables, with the same problem report.
 */
export function readEnvFragment<F extends EnvFragment>(config: Config, fragment: F): z.output<F> {
  const state = fragmentStates.get(config);
  if (!state) throw new Error('readEnvFragment: this config was not made by loadConfig');
  if (!state.parsed.has(fragment)) {
    const result = fragment.safeParse(pick(state.source, Object.keys(fragment.shape)));
    if (!result.success) throw new ConfigError(describeIssues(result.error.issues, state.source));
    state.parsed.set(fragment, result.data);
  }
  // Sound: the value stored under a fragment is what that fragment parsed.
  return state.parsed.get(fragment) as z.output<F>;
}
/** The optional JSON config file; its problems join the environment's. */
function readConfigFile(path: string | undefined, problems: string[]): ConfigFile | null {
  if (!path) return configFileSchema.parse({});
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    problems.push(`VOXQ_CONFIG_FILE: cannot read ${path} as JSON (${(error as Error).message})`);
    return null;
  }
  const parsed = configFileSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  problems.push(...parsed.error.issues.map((i) => `VOXQ_CONFIG_FILE ${path}: ${i.path.join('.') || '(root)'}: ${i.message}`));
  return null;
}
