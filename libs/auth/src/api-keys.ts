import { randomBytes } from 'node:crypto';
import type { RedisClient } from '@voxq/redis-keys';
import { redisKeys, type RedisKeys } from '@voxq/redis-keys';
import { generateWebhookSecret } from '@voxq/webhooks';
import { assertRateLimit, hashApiKey, newApiKey, RATE_FIELDS, rateFields, rateLimitOf, TENANT_ID_PATTERN, type KeyRateLimit } from './api-key-fields';

export interface ApiKeyRecord {
  keyId: string;
  tenantId: string;
  name: string;
  createdAt: string;
  /** Unset: the key gets the environment's default limit. */
  rateLimit?: KeyRateLimit;
}

export interface CreatedApiKey extends ApiKeyRecord {
  /** The key itself. Shown once; only its hash is stored. */
  apiKey: string;
  /** The tenant's webhook signing secret (`whsec_…`), to verify voxq's webhooks. */
  webhookSecret: string;
}

export interface Principal {
  tenantId: string;
  keyId: string;
  /** The key's own rate limit, if it has one. */
  rateLimit?: KeyRateLimit;
}

/** How long a verified key is trusted in-process; a revocation takes effect within this. */
const CACHE_TTL_MS = 5_000;
const CACHE_MAX = 10_000;

/** Tenants and their API keys, stored in Redis (keys hashed). */
export class ApiKeyStore {
  private readonly cache = new Map<string, { principal: Principal | null; until: number }>();
  private readonly keys: RedisKeys['auth'];

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.keys = redisKeys(prefix).auth;
  }

  private k = {
    byHash: (hash: string) => this.keys.apiKeyByHash(hash),
    byId: (keyId: string) => this.keys.apiKeyById(keyId),
    // The tenant's hash (id, webhook secret, allowance override): shared with `UsageAllowance`.
    tenant: (tenantId: string) => this.keys.tenant(tenantId),
    tenantKeys: (tenantId: string) => this.keys.tenantKeys(tenantId),
  };

  async create(tenantId: string, name = 'default', options: { rateLimit?: KeyRateLimit } = {}): Promise<CreatedApiKey> {
    if (!TENANT_ID_PATTERN.test(tenantId)) {
      throw new Error(`Invalid tenant id '${tenantId}': use 1-63 of a-z, 0-9, _ and -, starting with a letter or digit.`);
    }
    assertRateLimit(options.rateLimit);
    const apiKey = newApiKey();
    const hash = hashApiKey(apiKey);
    const record: ApiKeyRecord = {
      keyId: `key_${randomBytes(8).toString('hex')}`,
      tenantId,
      name,
      createdAt: new Date().toISOString(),
      ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
    };
    const tenant = this.k.tenant(tenantId);
    const { rateLimit, ...fields } = record;
    await this.redis
      .multi()
      .hsetnx(tenant, 'id', tenantId)
      .hsetnx(tenant, 'createdAt', record.createdAt)
      .hsetnx(tenant, 'webhookSecret', generateWebhookSecret())
      .hset(this.k.byHash(hash), { ...fields, ...rateFields(rateLimit) })
      .hset(this.k.byId(record.keyId), { ...fields, ...rateFields(rateLimit), hash })
      .sadd(this.k.tenantKeys(tenantId), record.keyId)
      .exec();
    const webhookSecret = (await this.redis.hget(tenant, 'webhookSecret')) as string;
    return { ...record, apiKey, webhookSecret };
  }

  /** The principal a presented key stands for, or null when it is unknown or revoked. */
  async authenticate(apiKey: string): Promise<Principal | null> {
    const hash = hashApiKey(apiKey);
    const cached = this.cache.get(hash);
    if (cached && cached.until > Date.now()) return cached.principal;
    const [tenantId, keyId, perSecond, burst] = await this.redis.hmget(this.k.byHash(hash), 'tenantId', 'keyId', ...RATE_FIELDS);
    const rateLimit = rateLimitOf(perSecond, burst);
    const principal = tenantId && keyId ? { tenantId, keyId, ...(rateLimit ? { rateLimit } : {}) } : null;
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    this.cache.set(hash, { principal, until: Date.now() + CACHE_TTL_MS });
    return principal;
  }

  /** Revokes a key by id; returns false when there is no such key. */
  async revoke(keyId: string): Promise<boolean> {
    const record = await this.redis.hgetall(this.k.byId(keyId));
    if (!record.hash || !record.tenantId) return false;
    await this.redis.multi().del(this.k.byHash(record.hash), this.k.byId(keyId)).srem(this.k.tenantKeys(record.tenantId), keyId).exec();
    return true;
  }

  /**
   * Sets a key's own rate limit, or (null) returns it to the default; false when there is
   * no such key. Running API processes see the change within the 5 s key cache.
   */
  async setRateLimit(keyId: string, limit: KeyRateLimit | null): Promise<boolean> {
    assertRateLimit(limit ?? undefined);
    const hash = await this.redis.hget(this.k.byId(keyId), 'hash');
    if (!hash) return false;
    const multi = this.redis
      .multi()
      .hdel(this.k.byId(keyId), ...RATE_FIELDS)
      .hdel(this.k.byHash(hash), ...RATE_FIELDS);
    if (limit) multi.hset(this.k.byId(keyId), rateFields(limit)).hset(this.k.byHash(hash), rateFields(limit));
    await multi.exec();
    return true;
  }

  async list(tenantId: string): Promise<ApiKeyRecord[]> {
    const ids = await this.redis.smembers(this.k.tenantKeys(tenantId));
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hmget(this.k.byId(id), 'keyId', 'tenantId', 'name', 'createdAt', ...RATE_FIELDS);
    const rows = (await pipeline.exec()) ?? [];
    return rows
      .map(([, v]) => v as (string | null)[])
      .filter((v) => v[0])
      .map(([keyId, tid, name, createdAt, perSecond, burst]) => {
        const rateLimit = rateLimitOf(perSecond, burst);
        return { keyId: keyId!, tenantId: tid!, name: name!, createdAt: createdAt!, ...(rateLimit ? { rateLimit } : {}) };
      })
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** The secret that signs a tenant's webhooks; null for an unknown tenant. */
  webhookSecret(tenantId: string): Promise<string | null> {
    return this.redis.hget(this.k.tenant(tenantId), 'webhookSecret');
  }
}
