import { z } from 'zod';

const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);
const bool = (def: boolean) => z.stringbool().default(def);
const list = (def: string) =>
  z
    .string()
    .default(def)
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));
const url = z.url({ protocol: /^https?$/ });

/**
 * Every environment variable voxq reads, with its default. `.env.example` documents them;
 * keep the two in step. Nothing else in the code base reads `process.env`.
 */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),

  /** Redis holding queues, job records, keys and webhook state. */
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
  /** Prefix of every key voxq writes; use a hash tag (`{voxq}`) on Redis Cluster. */
  REDIS_PREFIX: z.string().regex(/^[\w{}:.-]+$/).default('voxq'),

  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: int(8080, 0).pipe(z.number().max(65535)),
  /** Largest JSON body accepted (bytes). */
  API_JSON_LIMIT_BYTES: int(8 * 1_048_576, 1024),
  /** Largest audio upload accepted inline (binary body or base64), in bytes. */
  API_AUDIO_LIMIT_BYTES: int(25 * 1_048_576, 1024),

  /** Job queues this worker process serves; one image scales per queue. */
  WORKER_QUEUES: list('transcribe,synthesize,complete').pipe(
    z.array(z.enum(['transcribe', 'synthesize', 'complete'])).min(1),
  ),
  /** Jobs processed at once per queue by one worker process. */
  WORKER_CONCURRENCY: int(64, 1),
  /** Local engines spawn a process per job; they get their own, lower, limit. */
  WORKER_LOCAL_ENGINE_CONCURRENCY: int(2, 1),

  /** Attempts per job (each attempt may itself fail over across providers). */
  JOB_ATTEMPTS: int(3, 1),
  /** Base delay of the exponential backoff between attempts. */
  JOB_BACKOFF_MS: int(2_000, 0),
  /** How long finished jobs (record, result, audio) are kept. */
  JOB_RETENTION_SECONDS: int(7 * 24 * 3600, 60),

  /** Attempts per webhook delivery before it is dead-lettered. */
  WEBHOOK_ATTEMPTS: int(8, 1),
  WEBHOOK_BACKOFF_MS: int(5_000, 0),
  WEBHOOK_TIMEOUT_MS: int(15_000, 100),
  DISPATCHER_CONCURRENCY: int(64, 1),
  /** Allow webhook/tool URLs on loopback and private networks (local development, tests). */
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: bool(false),
  /** Allow plain-http webhook/tool URLs (local development, tests). */
  WEBHOOK_ALLOW_HTTP: bool(false),

  /** Timeout of one call to an upstream provider. */
  PROVIDER_TIMEOUT_MS: int(60_000, 100),

  /** OpenAI, or any OpenAI-compatible server (Ollama, vLLM, llama.cpp, the simulator). */
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: url.default('https://api.openai.com/v1'),
  OPENAI_MODEL: z.string().min(1).default('gpt-4o-mini'),

  /** Local engines from Debian packages; no key, no network. */
  ESPEAK_ENABLED: bool(true),
  ESPEAK_BIN: z.string().min(1).default('espeak-ng'),
  POCKETSPHINX_ENABLED: bool(true),
  POCKETSPHINX_BIN: z.string().min(1).default('pocketsphinx_continuous'),
  SOX_BIN: z.string().min(1).default('sox'),

  /** Port of the provider simulator app (tests, benchmarks, local start). */
  SIMULATOR_PORT: int(4010, 0).pipe(z.number().max(65535)),
});

export type Env = z.infer<typeof envSchema>;
