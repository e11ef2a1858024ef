import type { WebhookDeliveryState } from '@voxq/contracts';
import type { WebhookDelivery } from '@voxq/queues';
import type { DeliveryDeps } from './delivery-deps';
import { OPEN_DELIVERY_STATES, type DeliveryRecord } from './delivery-store';
import type { WebhookEndpoint } from './endpoint-store';

/** Why an attempt is not sent; each maps to the state its record ends in (or is in). */
export type SkipReason =
  /** The record expired before the attempt: nothing left to update. */
  | 'record-gone'
  /** The record already ended (a redelivery or a cancel won the race): leave it. */
  | 'finished'
  /** Older than the retention period: the record becomes `expired`. */
  | 'too-old'
  /** Its endpoint was deleted (or is another tenant's), or disabled: the record becomes `cancelled`. */
  | 'endpoint-gone'
  | 'endpoint-disabled';

export type GateDecision =
  | { send: true; record: DeliveryRecord | null; endpoint: WebhookEndpoint | null }
  | { send: false; why: SkipReason; state: WebhookDeliveryState; record: DeliveryRecord | null; reason: string };

/**
 * Should this attempt be sent now? Reads only: the delivery record (if the job works for
 * one) decides whether the attempt happens at all, then the endpoint (if it goes to one)
 * must still exist, be the tenant's and be enabled. Closing a skipped record is the
 * caller's (`recordSkip`).
 */
export async function gateDelivery(
  deps: Pick<DeliveryDeps, 'deliveries' | 'endpoints' | 'retentionSeconds'>,
  delivery: WebhookDelivery,
  now = Date.now(),
): Promise<GateDecision> {
  let record: DeliveryRecord | null = null;
  if (delivery.deliveryId) {
    record = await deps.deliveries.read(delivery.deliveryId);
    if (!record) return { send: false, why: 'record-gone', state: 'expired', record: null, reason: 'record expired before its attempt' };
    if (!OPEN_DELIVERY_STATES.includes(record.state)) return { send: false, why: 'finished', state: record.state, record, reason: `already ${record.state}` };
    if (now - Date.parse(record.createdAt) > deps.retentionSeconds * 1000) {
      return { send: false, why: 'too-old', state: 'expired', record, reason: 'older than the retention period' };
    }
  }

  let endpoint: WebhookEndpoint | null = null;
  if (delivery.endpointId) {
    endpoint = await deps.endpoints.read(delivery.endpointId);
    if (!endpoint || endpoint.tenantId !== delivery.tenantId)
      return { send: false, why: 'endpoint-gone', state: 'cancelled', record, reason: 'endpoint deleted' };
    if (!endpoint.enabled) {
      const reason = `endpoint disabled${endpoint.disabledReason ? ` (${endpoint.disabledReason})` : ''}`;
      return { send: false, why: 'endpoint-disabled', state: 'cancelled', record, reason };
    }
  }
  return { send: true, record, endpoint };
}
