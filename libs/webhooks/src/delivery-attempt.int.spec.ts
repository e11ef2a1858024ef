import { afterEach, describe, expect, it } from 'vitest';
import { cleanupPrefix, startWebhookReceiver, testConfig, type WebhookReceiverOptions } from '@voxq/testing';
import { attemptDelivery } from './delivery-attempt';
import { deliveryTo, TENANT, unitDeps } from './delivery-units.fixture';
import { generateWebhookSecret } from './signing';

/** One attempt against a real local receiver: signed, sent, and its answer classified. */
describe('attemptDelivery', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });
  const secret = generateWebhookSecret();
  async function setup(respond?: WebhookReceiverOptions['respond'], overrides: { policy?: { allowPrivateNetworks: boolean; allowHttp: boolean } } = {}) {
    const unit = unitDeps(testConfig(), cleanupPrefix, { [TENANT]: secret });
    const hook = await startWebhookReceiver({ secret, ...(respond ? { respond } : {}) });
    closers.push(unit.close, () => hook.close());
    return { deps: { ...unit.deps, ...overrides }, hook };
  }

  it('signs and sends the event; a 2xx is delivered', async () => {
    const { deps, hook } = await setup();
    const delivery = deliveryTo(hook.url);
    const result = await attemptDelivery(deps, delivery, null, false);
    expect(result).toMatchObject({ kind: 'delivered', response: { status: 200 } });
    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]).toMatchObject({ id: delivery.event.id, verified: true, body: delivery.event });
  });

  it('classifies a 503 as retryable with its Retry-After, and final on the last attempt', async () => {
    const { deps, hook } = await setup(() => ({ status: 503, headers: { 'Retry-After': '7' } }));
    const delivery = deliveryTo(hook.url);
    expect(await attemptDelivery(deps, delivery, null, false)).toMatchObject({
      kind: 'failed',
      reason: 'receiver answered 503',
      final: false,
      retryAfterMs: 7_000,
      gone: false,
    });
    expect(await attemptDelivery(deps, delivery, null, true)).toMatchObject({ kind: 'failed', final: true });
  });

  it('ignores Retry-After on statuses that do not ask for a wait', async () => {
    const { deps, hook } = await setup(() => ({ status: 500, headers: { 'Retry-After': '7' } }));
    expect(await attemptDelivery(deps, deliveryTo(hook.url), null, false)).toMatchObject({ kind: 'failed', final: false, retryAfterMs: null });
  });

  it('takes 410 Gone as final, and says the endpoint is gone', async () => {
    const { deps, hook } = await setup(() => 410);
    expect(await attemptDelivery(deps, deliveryTo(hook.url), null, false)).toMatchObject({
      kind: 'failed',
      reason: 'receiver answered 410 Gone',
      final: true,
      gone: true,
    });
  });

  it('fails at once, sending nothing, without a secret or to a refused address', async () => {
    const { deps, hook } = await setup();
    expect(await attemptDelivery(deps, { ...deliveryTo(hook.url), tenantId: 'no_secret' }, null, false)).toMatchObject({
      kind: 'failed',
      reason: 'tenant has no webhook secret',
      final: true,
    });
    const strict = { ...deps, policy: { allowPrivateNetworks: false, allowHttp: true } };
    expect(await attemptDelivery(strict, deliveryTo(hook.url), null, false)).toMatchObject({
      kind: 'failed',
      reason: expect.stringMatching(/^refused: /),
      final: true,
    });
    expect(hook.received).toHaveLength(0);
  });

  it('retries a request that failed to connect, until the last attempt', async () => {
    const { deps, hook } = await setup();
    const url = hook.url;
    await hook.close();
    expect(await attemptDelivery(deps, deliveryTo(url), null, false)).toMatchObject({
      kind: 'failed',
      reason: expect.stringMatching(/^request failed: /),
      final: false,
    });
  });
});
