import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatedStack, type SimulatedStack } from '@voxq/testing';

describe('/v1/secrets', () => {
  let stack: SimulatedStack;
  let key: string;
  let otherKey: string;
  const value = 'sk_live_LEAKCHECK_0123456789';

  beforeAll(async () => {
    stack = await startSimulatedStack({ API_RATE_LIMIT_PER_SECOND: '0' }, { worker: false, dispatcher: false });
    key = (await stack.createKey('secrets-api-a')).apiKey;
    otherKey = (await stack.createKey('secrets-api-b')).apiKey;
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('creates, lists, reads, rotates and deletes a secret without ever answering its value', async () => {
    const created = await stack.request(key, 'POST', '/v1/secrets', { name: 'stripe.key', value });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.headers.get('location')).toBe('/v1/secrets/stripe.key');
    expect(created.body).toEqual({ object: 'secret', name: 'stripe.key', version: 1, createdAt: expect.any(String), updatedAt: expect.any(String) });

    const again = await stack.request(key, 'POST', '/v1/secrets', { name: 'stripe.key', value: 'other' });
    expect(again.status).toBe(409);
    expect(again.body.error?.code).toBe('secret_exists');

    const list = await stack.request(key, 'GET', '/v1/secrets');
    expect(list.body).toEqual({ object: 'list', data: [created.body] });
    expect((await stack.request(key, 'GET', '/v1/secrets/stripe.key')).body).toEqual(created.body);

    const rotated = await stack.request(key, 'PUT', '/v1/secrets/stripe.key', { value: 'sk_live_LEAKCHECK_next' });
    expect(rotated.status).toBe(200);
    expect(rotated.body).toMatchObject({ name: 'stripe.key', version: 2, createdAt: created.body.createdAt });

    for (const res of [created, list, rotated]) expect(res.raw.toString()).not.toContain('LEAKCHECK');

    const deleted = await stack.request(key, 'DELETE', '/v1/secrets/stripe.key');
    expect(deleted.body).toEqual({ object: 'secret', name: 'stripe.key', deleted: true });
    expect((await stack.request(key, 'GET', '/v1/secrets/stripe.key')).status).toBe(404);
    expect((await stack.request(key, 'DELETE', '/v1/secrets/stripe.key')).status).toBe(404);
  });

  it("answers 404 for another tenant's secret, whatever the verb", async () => {
    expect((await stack.request(key, 'POST', '/v1/secrets', { name: 'mine', value: 'v' })).status).toBe(201);
    for (const [method, body] of [
      ['GET', undefined],
      ['PUT', { value: 'theirs' }],
      ['DELETE', undefined],
    ] as const) {
      const res = await stack.request(otherKey, method, '/v1/secrets/mine', body);
      expect(res.status, method).toBe(404);
      expect(res.body.error?.code).toBe('tenant_secret_not_found');
    }
    expect((await stack.request(otherKey, 'GET', '/v1/secrets')).body.data).toEqual([]);
    // The other tenant may use the same name for its own secret.
    expect((await stack.request(otherKey, 'POST', '/v1/secrets', { name: 'mine', value: 'v2' })).status).toBe(201);
    expect((await stack.request(key, 'GET', '/v1/secrets/mine')).body.version).toBe(1);
  });

  it.each([
    ['a bad name', { name: 'a/b', value: 'v' }, 'name'],
    ['an empty value', { name: 'a', value: '' }, 'value'],
    ['a value with a line break', { name: 'a', value: 'x\r\ny' }, 'value'],
    ['an unknown field', { name: 'a', value: 'v', ttl: 5 }, 'ttl'],
  ])('refuses %s with a 400 naming %s', async (_, body, param) => {
    const res = await stack.request(key, 'POST', '/v1/secrets', body);
    expect(res.status).toBe(400);
    expect(res.body.error?.param).toBe(param);
  });

  it('needs an API key', async () => {
    expect((await stack.request(null, 'GET', '/v1/secrets')).status).toBe(401);
    expect((await stack.request(null, 'POST', '/v1/secrets', { name: 'a', value: 'v' })).status).toBe(401);
  });
});
