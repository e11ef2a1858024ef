import { envSchema, type Env } from './env.schema';

export type Config = Readonly<ReturnType<typeof shape>>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function shape(env: Env) {
  return {
    env: env.NODE_ENV,
    redis: { url: env.REDIS_URL, prefix: env.REDIS_PREFIX },
    log: { level: env.LOG_LEVEL },
    api: {
      host: env.API_HOST,
      port: env.API_PORT,
      jsonLimitBytes: env.API_JSON_LIMIT_BYTES,
      audioLimitBytes: env.API_AUDIO_LIMIT_BYTES,
    },
    worker: {
      queues: env.WORKER_QUEUES,
      concurrency: env.WORKER_CONCURRENCY,
      localEngineConcurrency: env.WORKER_LOCAL_ENGINE_CONCURRENCY,
    },
    jobs: { attempts: env.JOB_ATTEMPTS, backoffMs: env.JOB_BACKOFF_MS, retentionSeconds: env.JOB_RETENTION_SECONDS },
    webhooks: {
      attempts: env.WEBHOOK_ATTEMPTS,
      backoffMs: env.WEBHOOK_BACKOFF_MS,
      timeoutMs: env.WEBHOOK_TIMEOUT_MS,
      concurrency: env.DISPATCHER_CONCURRENCY,
      allowPrivateNetworks: env.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
      allowHttp: env.WEBHOOK_ALLOW_HTTP,
    },
    providers: {
      timeoutMs: env.PROVIDER_TIMEOUT_MS,
      openai: { apiKey: env.OPENAI_API_KEY, baseUrl: env.OPENAI_BASE_URL.replace(/\/+$/, ''), model: env.OPENAI_MODEL },
      espeak: { enabled: env.ESPEAK_ENABLED, bin: env.ESPEAK_BIN },
      pocketsphinx: { enabled: env.POCKETSPHINX_ENABLED, bin: env.POCKETSPHINX_BIN, soxBin: env.SOX_BIN },
    },
    simulator: { port: env.SIMULATOR_PORT },
  };
}

/**
 * Parses the environment once, at start-up, and reports every problem at once.
 * Empty strings count as unset so `FOO=` in a compose file falls back to the default.
 */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const known = Object.keys(envSchema.shape);
  const env = Object.fromEntries(
    known.map((k) => [k, source[k] === '' ? undefined : source[k]]).filter(([, v]) => v !== undefined),
  );
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const key = i.path.join('.');
        const value = source[key];
        const shown = value === undefined || /KEY|SECRET|TOKEN|PASSWORD/.test(key) ? '' : ` (got '${value}')`;
        return `${key}: ${i.message}${shown}`;
      }),
    );
  }
  return Object.freeze(shape(parsed.data));
}
