// The environment every app of the chaos suite runs with: production settings, the suite's
// own Redis (one redis-server or a cluster) and S3, both LLM vendors and the speech routes on
// the provider simulator, and timeouts, retries and breakers shortened so that the faults
// play out within the run.

import { randomBytes } from 'node:crypto';

// Production settings need a key for tenant secrets; every app of one run shares it.
const SECRETS_ENCRYPTION_KEY = randomBytes(32).toString('base64');

export function chaosEnv({ s3Env, redisEnv, prefix, apiPort, simulatorPort, simulatorUrl }) {
  return {
    ...process.env,
    ...s3Env,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    NODE_ENV: 'production',
    SECRETS_ENCRYPTION_KEY,
    LOG_LEVEL: 'warn',
    ...redisEnv,
    REDIS_PREFIX: prefix,
    API_HOST: '127.0.0.1',
    API_PORT: String(apiPort),
    SIMULATOR_PORT: String(simulatorPort),
    API_RATE_LIMIT_PER_SECOND: '0',
    TENANT_MONTHLY_JOB_ALLOWANCE: '0',
    OPENAI_API_KEY: 'sk-sim-chaos',
    OPENAI_BASE_URL: `${simulatorUrl}/v1`,
    GROQ_API_KEY: 'sk-sim-chaos',
    GROQ_BASE_URL: `${simulatorUrl}/groq/openai/v1`,
    // Speech goes through the simulator's OpenAI-compatible audio routes, not local engines.
    ESPEAK_ENABLED: 'false',
    POCKETSPHINX_ENABLED: 'false',
    WORKER_CONCURRENCY: '32',
    // A hang is given up on quickly, then retried or failed over.
    PROVIDER_TIMEOUT_MS: '1500',
    PROVIDER_ATTEMPT_DEADLINE_MS: '5000',
    // 25% faults trip the default breaker (5 in 30 s) at once; a short, forgiving one keeps
    // the breaker in play (jobs wait, delayed, while it is open) without parking every job.
    PROVIDER_BREAKER_FAILURES: '40',
    PROVIDER_BREAKER_WINDOW_MS: '1000',
    PROVIDER_BREAKER_COOLDOWN_MS: '500',
    JOB_ATTEMPTS: '3',
    JOB_BACKOFF_MS: '200',
    WEBHOOK_RETRY_SCHEDULE: '0,1s,2s,3s,5s,5s,5s,5s,5s,5s,5s,5s,5s,5s,5s',
    WEBHOOK_TIMEOUT_MS: '5000',
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    WEBHOOK_ALLOW_HTTP: 'true',
  };
}
