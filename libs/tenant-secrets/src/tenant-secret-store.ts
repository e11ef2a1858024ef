import type { RedisClient } from '@voxq/redis-keys';
import { z } from 'zod';
import { SECRET_NAME_PATTERN, type SecretView } from '@voxq/contracts';
import { errors } from '@voxq/errors';
import { defineScripts, redisKeys } from '@voxq/redis-keys';
import type { SecretKeyring } from './secret-keyring';
import createLua from './scripts/secret-create.lua';
import rotateLua from './scripts/secret-rotate.lua';

/** Most secrets one tenant may hold: enough for many tools, bounded so one tenant cannot fill Redis. */
export const MAX_SECRETS_PER_TENANT = 200;

interface SecretScripts {
  voxqSecretCreate(key: string, name: string, record: string, max: number): Promise<number>;
  voxqSecretRotate(key: string, name: string, sealed: string, updatedAt: string): Promise<string | null>;
}

/** A secret as stored (a field of the tenant's hash): read back through this schema, never cast. */
const storedSecretSchema = z.object({
  version: z.number().int().min(1),
  sealed: z.string().min(1),
  createdAt: z.string(),
  updatedAt: z.string(),
});
type StoredSecret = z.infer<typeof storedSecretSchema>;

function parseStored(json: string | null | undefined): StoredSecret | null {
  if (!json) return null;
  try {
    const parsed = storedSecretSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

const viewOf = (name: string, stored: StoredSecret): SecretView => ({
  object: 'secret',
  name,
  version: stored.version,
  createdAt: stored.createdAt,
  updatedAt: stored.updatedAt,
});

/** What a value is sealed against: another tenant's or another name's entry does not open. */
const contextOf = (tenantId: string, name: string) => `${tenantId}\n${name}`;

/**
 * The secrets each tenant stores for its tools (`<prefix>:tenant:<tenant>:secrets`, a hash of
 * name → sealed record). Values are sealed with the keyring before they reach Redis and are
 * only opened by `reveal`, for the dispatcher sending a tool call; everything the API answers
 * is a `SecretView`, which has no value. Every method is scoped to one tenant.
 */
export class TenantSecretStore {
  private readonly redis: RedisClient & SecretScripts;
  private readonly keys: ReturnType<typeof redisKeys>['tenantSecrets'];

  constructor(
    redis: RedisClient,
    prefix: string,
    private readonly keyring: SecretKeyring,
    private readonly maxPerTenant = MAX_SECRETS_PER_TENANT,
  ) {
    this.redis = defineScripts<SecretScripts>(redis, {
      voxqSecretCreate: { keys: 1, lua: createLua },
      voxqSecretRotate: { keys: 1, lua: rotateLua },
    });
    this.keys = redisKeys(prefix).tenantSecrets;
  }

  /** A new secret at version 1; 409 when the name exists or the tenant is at its limit. */
  async create(tenantId: string, name: string, value: string, now = new Date()): Promise<SecretView> {
    const at = now.toISOString();
    const stored: StoredSecret = { version: 1, sealed: this.keyring.seal(value, contextOf(tenantId, name)), createdAt: at, updatedAt: at };
    const outcome = await this.redis.voxqSecretCreate(this.keys.tenantIndex(tenantId), name, JSON.stringify(stored), this.maxPerTenant);
    if (outcome === 0) throw errors.conflict('secret_exists', `A secret named '${name}' exists; PUT /v1/secrets/${name} replaces its value.`);
    if (outcome === -1) throw errors.conflict('too_many_secrets', `A tenant may hold at most ${this.maxPerTenant} secrets; delete one first.`);
    return viewOf(name, stored);
  }

  /** A new value for an existing secret (its next version); null when the tenant has none by that name. */
  async rotate(tenantId: string, name: string, value: string, now = new Date()): Promise<SecretView | null> {
    if (!SECRET_NAME_PATTERN.test(name)) return null;
    const sealed = this.keyring.seal(value, contextOf(tenantId, name));
    const stored = parseStored(await this.redis.voxqSecretRotate(this.keys.tenantIndex(tenantId), name, sealed, now.toISOString()));
    return stored ? viewOf(name, stored) : null;
  }

  async get(tenantId: string, name: string): Promise<SecretView | null> {
    if (!SECRET_NAME_PATTERN.test(name)) return null;
    const stored = parseStored(await this.redis.hget(this.keys.tenantIndex(tenantId), name));
    return stored ? viewOf(name, stored) : null;
  }

  /** By name. */
  async list(tenantId: string): Promise<SecretView[]> {
    const all = await this.redis.hgetall(this.keys.tenantIndex(tenantId));
    return Object.entries(all)
      .flatMap(([name, json]) => {
        const stored = parseStored(json);
        return stored ? [viewOf(name, stored)] : [];
      })
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async delete(tenantId: string, name: string): Promise<boolean> {
    if (!SECRET_NAME_PATTERN.test(name)) return false;
    return (await this.redis.hdel(this.keys.tenantIndex(tenantId), name)) === 1;
  }

  /**
   * The values of `names` (for the dispatcher, never for an API answer); a name the tenant
   * does not have is absent from the map. A value that does not open (an unconfigured old
   * key, an altered record) throws `SecretDecryptionError`, whose message names no value.
   */
  async reveal(tenantId: string, names: readonly string[]): Promise<Map<string, string>> {
    const unique = [...new Set(names)];
    if (unique.length === 0) return new Map();
    const rows = await this.redis.hmget(this.keys.tenantIndex(tenantId), ...unique);
    const values = new Map<string, string>();
    unique.forEach((name, i) => {
      const stored = parseStored(rows[i]);
      if (stored) values.set(name, this.keyring.open(stored.sealed, contextOf(tenantId, name)));
    });
    return values;
  }
}

/**
 * Which of `names` the tenant has not defined: the intake's check before a job that names
 * them is queued. Needs no key (it reads names only), so every process that submits jobs
 * can run it.
 */
export function undefinedSecretsLookup(redis: RedisClient, prefix: string) {
  const keys = redisKeys(prefix).tenantSecrets;
  return async (tenantId: string, names: readonly string[]): Promise<string[]> => {
    const unique = [...new Set(names)];
    if (unique.length === 0) return [];
    const pipeline = redis.pipeline();
    for (const name of unique) pipeline.hexists(keys.tenantIndex(tenantId), name);
    const found = ((await pipeline.exec()) ?? []).map(([error, exists]) => {
      if (error) throw error;
      return exists === 1;
    });
    return unique.filter((_, i) => !found[i]);
  };
}
export type UndefinedSecretsLookup = ReturnType<typeof undefinedSecretsLookup>;
