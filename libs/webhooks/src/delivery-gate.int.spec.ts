import { afterEach, describe, expect, it } from 'vitest';
import { cleanupPrefix, testConfig } from '@voxq/testing';
import { deliveryTo, TENANT, unitDeps } from './delivery-units.fixture';
import { gateDelivery } from './delivery-gate';

const URL = 'https://receiver.example.com/hook';

describe('gateDelivery', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });
  const setup = () => {
    const unit = unitDeps(testConfig(), cleanupPrefix);
    closers.push(unit.close);
    return unit.deps;
  };

  it('sends a delivery queued without a record or endpoint (a job’s own url)', async () => {
    expect(await gateDelivery(setup(), deliveryTo(URL))).toEqual({ send: true, record: null, endpoint: null });
  });

  it('skips a delivery whose record is gone or already finished, and expires one past retention', async () => {
    const deps = setup();
    const delivery = deliveryTo(URL);
    expect(await gateDelivery(deps, { ...delivery, deliveryId: 'whd_missing' })).toMatchObject({ send: false, why: 'record-gone', state: 'expired' });

    const { id } = await deps.deliveries.record(TENANT, delivery.event, { url: URL, endpointId: null });
    const record = (await deps.deliveries.read(id))!;
    expect(await gateDelivery(deps, { ...delivery, deliveryId: id })).toMatchObject({ send: true, record: { id } });
    const later = Date.parse(record.createdAt) + deps.retentionSeconds * 1000 + 1;
    expect(await gateDelivery(deps, { ...delivery, deliveryId: id }, later)).toMatchObject({ send: false, why: 'too-old', state: 'expired' });

    await deps.deliveries.transition(record, 'succeeded', ['pending']);
    expect(await gateDelivery(deps, { ...delivery, deliveryId: id })).toMatchObject({ send: false, why: 'finished', state: 'succeeded' });
  });

  it('cancels a delivery whose endpoint was deleted, is another tenant’s, or is disabled', async () => {
    const deps = setup();
    const endpoint = await deps.endpoints.create(TENANT, { url: URL, events: ['job.completed'], description: null, enabled: true });
    const delivery = deliveryTo(URL, { endpointId: endpoint.id });
    expect(await gateDelivery(deps, delivery)).toMatchObject({ send: true, endpoint: { id: endpoint.id } });
    expect(await gateDelivery(deps, { ...delivery, tenantId: 'someone_else' })).toMatchObject({
      send: false,
      why: 'endpoint-gone',
      reason: 'endpoint deleted',
    });

    await deps.endpoints.disable(endpoint, 'the receiver answered 410 Gone');
    expect(await gateDelivery(deps, delivery)).toMatchObject({
      send: false,
      why: 'endpoint-disabled',
      state: 'cancelled',
      reason: 'endpoint disabled (the receiver answered 410 Gone)',
    });
    await deps.endpoints.delete(TENANT, endpoint.id);
    expect(await gateDelivery(deps, delivery)).toMatchObject({ send: false, why: 'endpoint-gone' });
  });
});
