import { randomBytes, randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '@voxq/config';
import { webhookToolSourceSchema } from '@voxq/contracts';
import { SecretKeyring, TenantSecretStore } from '@voxq/tenant-secrets';
import { cleanupPrefix, testConfig } from '@voxq/testing';
import { createRedisConnection } from '@voxq/queues';
import type { RedisClient } from '@voxq/redis-keys';
import { signingKeyOf, toolRequestHeaders } from './tool-request-headers';

describe('toolRequestHeaders (secrets from a real Redis)', () => {
  let config: Config;
  let redis: RedisClient;
  let store: TenantSecretStore;
  const tenantId = `t-${randomUUID()}`;
  const tenantWebhookSecret = `whsec_${randomBytes(24).toString('base64')}`;
  const body = JSON.stringify({ jobId: 'job_1', toolCallId: 'call_1', name: 'lookup', args: {} });

  beforeAll(async () => {
    config = testConfig();
    redis = createRedisConnection(config.redis);
    store = new TenantSecretStore(redis, config.redis.prefix, new SecretKeyring(randomBytes(32)));
    await store.create(tenantId, 'raw.signing', 'plain-signing-key');
    await store.create(tenantId, 'crm.token', 'Bearer crm-123');
  });
  afterAll(async () => {
    redis.disconnect();
    await cleanupPrefix(config);
  });

  const call = (source: Record<string, unknown>) => ({
    jobId: 'job_1',
    tenantId,
    hop: 1,
    toolCallId: 'call_1',
    source: webhookToolSourceSchema.parse({ kind: 'webhook', url: 'https://tools.example.com/x', ...source }),
  });
  // `store` is made in beforeAll: read it when a test runs.
  const deps = { secrets: { reveal: (t: string, names: readonly string[]) => store.reveal(t, names) }, tenantSecret: async () => tenantWebhookSecret };
  const verifies = (secret: string, headers: Record<string, string>) => {
    try {
      new Webhook(secret).verify(body, headers);
      return true;
    } catch {
      return false;
    }
  };

  it('resolves authHeaders secretRefs, sends headers as given, and signs with the secretRef (a raw value as its UTF-8 bytes)', async () => {
    const headers = await toolRequestHeaders(
      call({
        secretRef: 'raw.signing',
        headers: { 'x-tag': 'blue', 'Webhook-Signature': 'forged', 'content-type': 'text/plain' },
        authHeaders: [{ name: 'authorization', secretRef: 'crm.token' }],
      }),
      body,
      deps,
    );
    expect(headers).toMatchObject({ 'x-tag': 'blue', authorization: 'Bearer crm-123', 'content-type': 'application/json', 'webhook-id': 'job_1.1.call_1' });
    expect(headers).not.toHaveProperty('Webhook-Signature');
    expect(verifies(signingKeyOf('plain-signing-key'), headers)).toBe(true);
    expect(verifies(`whsec_${Buffer.from('plain-signing-key').toString('base64')}`, headers)).toBe(true);
    expect(verifies(tenantWebhookSecret, headers)).toBe(false);
  });

  it("keeps voxq's literal authHeaders and the tenant's webhook secret when no secretRef is named", async () => {
    const headers = await toolRequestHeaders(call({ authHeaders: { 'x-tool-token': 'literal', host: 'evil.example' } }), body, deps);
    expect(headers['x-tool-token']).toBe('literal');
    expect(headers).not.toHaveProperty('host');
    expect(verifies(tenantWebhookSecret, headers)).toBe(true);
  });

  it.each([
    ['a signing secret', { secretRef: 'gone' }],
    ['an auth header', { authHeaders: [{ name: 'x-key', secretRef: 'gone' }] }],
  ])('says which secret is missing when %s is not defined', async (_, source) => {
    await expect(toolRequestHeaders(call(source), body, deps)).rejects.toThrow("secret 'gone' is not defined");
  });

  it('refuses a whsec_ secret that is not base64 without quoting it', async () => {
    await store.create(tenantId, 'bad.whsec', 'whsec_not*base64!');
    const error = await toolRequestHeaders(call({ secretRef: 'bad.whsec' }), body, deps).catch((e: unknown) => e as Error);
    expect(error.message).toContain("secret 'bad.whsec' is not a usable signing key");
    expect(error.message).not.toContain('not*base64');
  });
});
