import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '@voxq/config';
import { cleanupPrefix, testConfig } from '@voxq/testing';
import { createRedisConnection } from '@voxq/queues';
import type { RedisClient } from '@voxq/redis-keys';
import { SecretDecryptionError, SecretKeyring } from './secret-keyring';
import { TenantSecretStore, undefinedSecretsLookup } from './tenant-secret-store';

describe('TenantSecretStore (real Redis)', () => {
  let config: Config;
  let redis: RedisClient;
  let store: TenantSecretStore;
  const key = randomBytes(32);
  const tenant = () => `t-${randomUUID()}`;

  beforeAll(() => {
    config = testConfig();
    redis = createRedisConnection(config.redis);
    store = new TenantSecretStore(redis, config.redis.prefix, new SecretKeyring(key), 3);
  });
  afterAll(async () => {
    redis.disconnect();
    await cleanupPrefix(config);
  });

  it('creates, lists, rotates and deletes, never answering or storing a value in clear', async () => {
    const t = tenant();
    const created = await store.create(t, 'stripe_key', 'sk_live_abc123', new Date('2026-01-01T00:00:00Z'));
    expect(created).toEqual({ object: 'secret', name: 'stripe_key', version: 1, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' });
    await store.create(t, 'a.token', 'tok');
    expect((await store.list(t)).map((s) => s.name)).toEqual(['a.token', 'stripe_key']);
    expect(JSON.stringify(await redis.hgetall(`${config.redis.prefix}:tenant:${t}:secrets`))).not.toContain('sk_live_abc123');

    const rotated = await store.rotate(t, 'stripe_key', 'sk_live_def456', new Date('2026-02-01T00:00:00Z'));
    expect(rotated).toMatchObject({ version: 2, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-02-01T00:00:00.000Z' });
    expect(await store.reveal(t, ['stripe_key', 'nope'])).toEqual(new Map([['stripe_key', 'sk_live_def456']]));

    expect(await store.delete(t, 'stripe_key')).toBe(true);
    expect(await store.delete(t, 'stripe_key')).toBe(false);
    expect(await store.get(t, 'stripe_key')).toBeNull();
    expect(await store.rotate(t, 'stripe_key', 'x')).toBeNull();
  });

  it('refuses a second secret of the same name, and past the per-tenant bound', async () => {
    const t = tenant();
    await store.create(t, 'one', '1');
    await expect(store.create(t, 'one', 'again')).rejects.toMatchObject({ code: 'secret_exists', status: 409 });
    await store.create(t, 'two', '2');
    await store.create(t, 'three', '3');
    await expect(store.create(t, 'four', '4')).rejects.toMatchObject({ code: 'too_many_secrets', status: 409 });
    expect(await store.reveal(t, ['one'])).toEqual(new Map([['one', '1']]));
  });

  it("keeps tenants apart: another tenant's secret does not exist for it", async () => {
    const [a, b] = [tenant(), tenant()];
    await store.create(a, 'shared_name', 'a-value');
    expect(await store.get(b, 'shared_name')).toBeNull();
    expect(await store.list(b)).toEqual([]);
    expect(await store.reveal(b, ['shared_name'])).toEqual(new Map());
    expect(await store.delete(b, 'shared_name')).toBe(false);
    expect(await store.rotate(b, 'shared_name', 'b-value')).toBeNull();
    expect(await store.reveal(a, ['shared_name'])).toEqual(new Map([['shared_name', 'a-value']]));
    expect(await undefinedSecretsLookup(redis, config.redis.prefix)(b, ['shared_name'])).toEqual(['shared_name']);
    expect(await undefinedSecretsLookup(redis, config.redis.prefix)(a, ['shared_name', 'other'])).toEqual(['other']);
  });

  it("does not open a value copied into another tenant's entry", async () => {
    const [a, b] = [tenant(), tenant()];
    await store.create(a, 'k', 'a-value');
    await store.create(b, 'k', 'b-value');
    const prefix = config.redis.prefix;
    await redis.hset(`${prefix}:tenant:${b}:secrets`, 'k', (await redis.hget(`${prefix}:tenant:${a}:secrets`, 'k'))!);
    await expect(store.reveal(b, ['k'])).rejects.toBeInstanceOf(SecretDecryptionError);
  });

  it('opens values sealed before a key rotation (the old key listed), and rotates them to the new key', async () => {
    const t = tenant();
    await store.create(t, 'legacy', 'old-sealed');
    const next = new TenantSecretStore(redis, config.redis.prefix, new SecretKeyring(randomBytes(32), [key]));
    expect(await next.reveal(t, ['legacy'])).toEqual(new Map([['legacy', 'old-sealed']]));
    await next.rotate(t, 'legacy', 'new-sealed');
    expect(await next.reveal(t, ['legacy'])).toEqual(new Map([['legacy', 'new-sealed']]));
    await expect(store.reveal(t, ['legacy'])).rejects.toThrow(/not configured/);
  });
});
