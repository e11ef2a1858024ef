/**
 * Every Redis key and pub/sub channel voxq uses, built from the installation's prefix
 * (`REDIS_PREFIX`, e.g. `voxq` or a hash tag `{voxq}`) in this one place, as BullMQ builds a
 * queue's keys in its `QueueKeys`. Stores take a `redisKeys(prefix)` and never write a key
 * template of their own.
 *
 * Stored names: never change a key's string. Records, indexes and counters of an existing
 * installation are found by these names after an upgrade; a renamed key orphans them (jobs
 * that cannot be read, API keys that stop working, allowances that start again at zero).
 * `redis-keys.spec.ts` pins every string, so a rename fails a test.
 *
 * Lua scripts receive their keys as KEYS built here, with one exception: the job
 * transition scripts publish a job's final status on `KEYS[1] .. ':done'`, the record key
 * plus `:done`, which is `channels.jobDone`, and its held live events on the record key plus
 * `:events`, which is `channels.jobEvents` (the spec checks they agree).
 *
 * Each entry says what the key holds and its Redis type.
 */
export function redisKeys(prefix: string) {
  const tenant = (tenantId: string) => `${prefix}:tenant:${tenantId}`;
  return {
    /** Job records, what clients see of a job (BullMQ keeps its own job under `bull`). */
    jobs: {
      /** hash: a job's record (status, attempts, result, error, timestamps). */
      record: (jobId: string) => `${prefix}:job:${jobId}`,
      /** string (JSON): a `complete` job's tool loop between hops. */
      toolLoop: (jobId: string) => `${prefix}:job:${jobId}:tool-loop`,
      /** stream (capped, expiring): a streamed job's reply as it is made (`libs/job-stream`), for replay and `Last-Event-ID`. */
      deltas: (jobId: string) => `${prefix}:job:${jobId}:deltas`,
    },

    /** The history tier (Postgres): finished jobs' records move there from Redis (`libs/job-store`'s mover). */
    history: {
      /** zset (score: ms the job finished): finished jobs whose records wait to be moved, oldest first. */
      pending: () => `${prefix}:history:pending`,
      /** string (a mover's token, seconds TTL): the one process moving this shard's records now. */
      moverLease: () => `${prefix}:history:mover`,
    },

    /**
     * Per-tenant indexes of job records: sorted sets of job ids (score 0, newest first by id).
     * None per status (`<tenant>:jobs:status:<status>` until 2026-12; an upgrade leaves them
     * unread, docs/operations.md says how to delete them): a status filter skips the others.
     */
    indexes: {
      /** zset: every job of a tenant. */
      tenantJobs: (tenantId: string) => `${tenant(tenantId)}:jobs`,
      /** zset: a tenant's jobs of one type. */
      jobsByType: (tenantId: string, type: string) => `${tenant(tenantId)}:jobs:type:${type}`,
    },

    /** `Idempotency-Key` reservations. */
    idempotency: {
      /** string (JSON `{jobId, bodyHash}`, 24 h TTL): a key's reservation; `keyHash` is the SHA-256 of the client's key. */
      reservation: (tenantId: string, keyHash: string) => `${prefix}:idem:${tenantId}:${keyHash}`,
    },

    /** Uploads (`POST /v1/uploads`). */
    uploads: {
      /** hash (TTL = retention): an upload's record (bucket, key, status, size, sha256). */
      record: (tenantId: string, uploadId: string) => `${tenant(tenantId)}:upload:${uploadId}`,
    },

    /** Files and batches (the OpenAI-compatible batch API). */
    batches: {
      /** string (JSON, TTL = the file's life): a file's record; its bytes are in S3. */
      file: (tenantId: string, fileId: string) => `${tenant(tenantId)}:file:${fileId}`,
      /** zset (score: ms the record was written): a tenant's file ids, for `GET /v1/files`. */
      tenantFiles: (tenantId: string) => `${tenant(tenantId)}:files`,
      /** hash (`id`, `json`, `cancelRequestedAt`): a batch's record. */
      record: (tenantId: string, batchId: string) => `${tenant(tenantId)}:batch:${batchId}`,
      /** zset: a tenant's batch ids. */
      tenantIndex: (tenantId: string) => `${tenant(tenantId)}:batches`,
      /** list (`<jobId> <customId>`): a batch's jobs in line order. */
      jobs: (tenantId: string, batchId: string) => `${tenant(tenantId)}:batch:${batchId}:jobs`,
      /** hash (`expanded`, `completed`, `failed`, `cancelled`): a batch's progress, counted by the job transition script. */
      progress: (tenantId: string, batchId: string) => `${tenant(tenantId)}:batch:${batchId}:progress`,
      /** zset (member `<tenantId> <batchId>`, score: ms from when it may move): finished batches waiting to be moved to the history tier. */
      historyPending: () => `${prefix}:batches:pending`,
      /** string (a mover's token, PX TTL): the one process moving batches now. */
      historyMover: () => `${prefix}:batches:mover`,
    },

    /** Tenants' named secrets for tools (`libs/tenant-secrets`); values encrypted (AES-256-GCM). */
    tenantSecrets: {
      /** hash: secret name → JSON {version, ciphertext, createdAt, updatedAt}. */
      tenantIndex: (tenantId: string) => `${tenant(tenantId)}:secrets`,
    },

    /** Registered webhook endpoints. */
    webhookEndpoints: {
      /** hash: an endpoint (url, events, secrets, enabled). */
      record: (endpointId: string) => `${prefix}:webhook-endpoint:${endpointId}`,
      /** zset: a tenant's endpoint ids. */
      tenantIndex: (tenantId: string) => `${tenant(tenantId)}:webhook-endpoints`,
    },

    /** Webhook deliveries: one record per event and target, and the attempt logs. */
    webhookDeliveries: {
      /** hash: a delivery's record (state, attempts, series, last status). */
      record: (deliveryId: string) => `${prefix}:webhook-delivery:${deliveryId}`,
      /** string (JSON): the event a delivery sends, stored once so a redelivery sends the same body. */
      event: (eventId: string) => `${prefix}:webhook-event:${eventId}`,
      /** zset: every delivery of a tenant. */
      tenantIndex: (tenantId: string) => `${tenant(tenantId)}:webhook-deliveries`,
      /** zset: a tenant's deliveries in one state. */
      stateIndex: (tenantId: string, state: string) => `${tenant(tenantId)}:webhook-deliveries:state:${state}`,
      /** zset: the deliveries of an event's subject (a job id, or a batch id for `batch.*` events). */
      subjectIndex: (subjectId: string) => `${prefix}:job:${subjectId}:webhook-deliveries`,
      /** zset: an endpoint's deliveries. */
      endpointIndex: (endpointId: string) => `${prefix}:webhook-endpoint:${endpointId}:deliveries`,
      /** list (JSON, newest first): the attempts made for an event's subject (`GET /v1/jobs/:id/deliveries`). */
      attemptLog: (subjectId: string) => `${prefix}:job:${subjectId}:deliveries`,
      /** list (JSON): deliveries that ran out of attempts. */
      deadLetter: () => `${prefix}:webhooks:dead-letter`,
      /** zset (score: ms it finished): finished deliveries waiting to be moved to the history tier, oldest first. */
      historyPending: () => `${prefix}:webhook-deliveries:history:pending`,
      /** string (a mover's token, ms TTL): the one process moving deliveries now. */
      historyMover: () => `${prefix}:webhook-deliveries:history:mover`,
    },

    /** Drop folders: rules and the object versions already seen. */
    drops: {
      /** hash (rule id → JSON): every rule, what pollers walk. */
      rules: () => `${prefix}:drop-rules`,
      /** set: a tenant's rule ids. */
      tenantRules: (tenantId: string) => `${tenant(tenantId)}:drop-rules`,
      /** string (`pending:<ms>`, `job:<id>` or `error:<reason>`): the claim on one object version. */
      seen: (identity: string) => `${prefix}:drop:seen:${identity}`,
    },

    /** Tenants, API keys, rate limits and the monthly allowance. */
    auth: {
      /** hash (id, webhookSecret, monthlyJobAllowance): a tenant. */
      tenant,
      /** set: a tenant's API key ids. */
      tenantKeys: (tenantId: string) => `${tenant(tenantId)}:keys`,
      /** hash: an API key's record, found by the SHA-256 of the key. */
      apiKeyByHash: (hash: string) => `${prefix}:apikey:${hash}`,
      /** hash: an API key's record (and its hash), found by key id. */
      apiKeyById: (keyId: string) => `${prefix}:apikey-id:${keyId}`,
      /** rate-limiter-flexible key prefix (it appends `:<key id>`; string counters): per-second request limits. */
      apiKeyRateLimit: () => `${prefix}:ratelimit:apikey`,
      /** rate-limiter-flexible key prefix (it appends `:<key id>`; string counters): burst allowance. */
      apiKeyBurstLimit: () => `${prefix}:ratelimit:apikey-burst`,
      /** string (integer, expires 40 days after its month): jobs charged to a tenant in one month (`YYYY-MM`). */
      usageCounter: (tenantId: string, period: string) => `${prefix}:usage:${tenantId}:jobs:${period}`,
      /** string (jobs charged, expires with the counter): marks a once-only charge (a batch's validation) as made. */
      usageCharge: (tenantId: string, chargeId: string) => `${prefix}:usage:${tenantId}:charge:${chargeId}`,
    },

    /** What finished jobs used (`libs/usage`), read by `GET /v1/usage`. */
    metering: {
      /** hash (`<capability>|<provider>|<metric>` → integer, expires after the retention): a tenant's usage on one UTC day (`YYYY-MM-DD`). */
      day: (tenantId: string, day: string) => `${prefix}:usage:${tenantId}:day:${day}`,
    },

    /** Realtime sessions (`GET /v1/realtime`, `libs/realtime`): the open ones per tenant, and each one's record. */
    realtime: {
      /** hash (TTL = job retention): a session's record (tenant, provider, model, times, close reason, transcript). */
      session: (sessionId: string) => `${prefix}:realtime-session:${sessionId}`,
      /** zset (session id → lease expiry ms): a tenant's open sessions, each renewed while it lives; an expired lease is a session whose process died. */
      tenantOpen: (tenantId: string) => `${tenant(tenantId)}:realtime-sessions:open`,
    },

    /** Providers' shared state: limits, cooldowns, breakers, health, and routing decisions. */
    providers: {
      /** rate-limiter-flexible key prefix (it appends `:<provider>`; string counters): requests per second. */
      rateLimit: () => `${prefix}:ratelimit`,
      /** zset (token → lease expiry ms): a provider's requests in flight. */
      leases: (provider: string) => `${prefix}:provider:${provider}:leases`,
      /** string (`<until ms>|<reason>`, PX TTL): a provider cooling down. */
      cooldown: (providerKey: string) => `${prefix}:provider:${providerKey}:cooldown`,
      /** string (`open`): a provider's open circuit breaker. */
      breaker: (providerKey: string) => `${prefix}:provider:${providerKey}:breaker`,
      /** string (integer, window TTL): a provider's recent failures. */
      failures: (providerKey: string) => `${prefix}:provider:${providerKey}:failures`,
      /** string (ms, PX TTL): the claim on a half-open breaker's one probe. */
      probe: (providerKey: string) => `${prefix}:provider:${providerKey}:probe`,
      /** hash (calls, failures, okCount, okMs): one 10-second bucket of a provider's health. */
      health: (providerKey: string, bucket: number) => `${prefix}:health:${providerKey}:${bucket}`,
      /** string (JSON, TTL): a routing decision's scores, read by `GET /v1/scores-runs/:id`. */
      scoresRun: (runId: string) => `${prefix}:scores-run:${runId}`,
      /** zset (score: ms it was made): scores runs waiting to be moved to the history tier, oldest first. */
      scoresRunsPending: () => `${prefix}:scores-runs:pending`,
      /** string (a mover's token, seconds TTL): the one process moving scores runs now. */
      scoresRunsMover: () => `${prefix}:scores-runs:mover`,
    },

    /** Pub/sub channels (nothing stored). */
    channels: {
      /** A job's final status (published by the job transition script on `<record key>:done`). */
      jobDone: (jobId: string) => `${prefix}:job:${jobId}:done`,
      /** A job's run-time events (`GET /v1/jobs/:id/events`; job-complete-many.lua publishes on `<record key>:events`). */
      jobEvents: (jobId: string) => `${prefix}:job:${jobId}:events`,
      /** A streamed job's new delta entries, published with their stream ids as they are added. */
      jobDeltas: (jobId: string) => `${prefix}:job:${jobId}:deltas:live`,
      /** Job ids the API asks workers to abort. */
      cancel: () => `${prefix}:cancel`,
    },

    /** The installation itself. */
    meta: {
      /** string (integer): how many shards its jobs spread over (`KeyShards`), written by the first process to start; a process configured otherwise refuses to start. */
      shards: () => `${prefix}:shards`,
    },

    /** BullMQ's own keys: the prefix BullMQ builds `<bull>:<queue>:…` under. Its keys are BullMQ's. */
    bull: {
      prefix: () => `${prefix}:q`,
    },
  } as const;
}

export type RedisKeys = ReturnType<typeof redisKeys>;
