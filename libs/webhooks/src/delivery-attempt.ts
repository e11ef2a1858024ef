import { isAppError } from '@voxq/errors';
import type { WebhookDelivery } from '@voxq/queues';
import { deliverWebhook, isDelivered, type DeliveryResponse } from './deliver';
import type { DeliveryDeps } from './delivery-deps';
import { signingSecrets, type WebhookEndpoint } from './endpoint-store';
import { parseRetryAfter, RETRY_AFTER_STATUSES } from './schedule';
import { signWebhook } from './signing';
import { assertDeliverableUrl, PRIVATE_ADDRESS_CODE, URL_GUARD_CODES } from '@voxq/url-guard';

/** How one attempt went, classified: what the caller records and how the queue is steered. */
export type AttemptResult =
  | { kind: 'delivered'; response: DeliveryResponse }
  | {
      kind: 'failed';
      reason: string;
      /** No later attempt can succeed (or this was the last): dead-letter it. */
      final: boolean;
      /** The receiver's answer, when there was one. */
      response?: DeliveryResponse;
      /** The receiver's `Retry-After` (ms), honoured on 429/502/503/504 only; null when absent. */
      retryAfterMs: number | null;
      /** The receiver answered 410 Gone: its endpoint should get nothing more. */
      gone: boolean;
    };

type Failed = Extract<AttemptResult, { kind: 'failed' }>;

const failure = (reason: string, final: boolean, response?: DeliveryResponse): Failed => ({
  kind: 'failed',
  reason,
  final,
  ...(response ? { response } : {}),
  retryAfterMs: response && RETRY_AFTER_STATUSES.has(response.status) ? parseRetryAfter(response.retryAfter) : null,
  gone: false,
});

/**
 * Signs and sends one attempt and classifies the answer. It writes nothing: a refused URL,
 * a missing secret, a failed request and a non-2xx answer come back as `failed`. Only
 * failures of our own (the secret lookup's Redis) throw.
 */
export async function attemptDelivery(
  deps: Pick<DeliveryDeps, 'policy' | 'timeoutMs' | 'secretFor'>,
  delivery: WebhookDelivery,
  endpoint: WebhookEndpoint | null,
  lastAttempt: boolean,
): Promise<AttemptResult> {
  // Checked again here, not only at submit: the host's DNS may have changed since.
  try {
    await assertDeliverableUrl(delivery.url, deps.policy, 'url');
  } catch (error) {
    // A host that does not resolve now, or a resolver that failed, may answer later.
    if (isAppError(error) && (error.code === URL_GUARD_CODES.unresolved || error.retryable)) return failure(error.message, lastAttempt);
    return failure(`refused: ${(error as Error).message}`, true);
  }

  const secrets = endpoint ? signingSecrets(endpoint) : await deps.secretFor(delivery.tenantId).then((s) => (s ? [s] : []));
  if (secrets.length === 0) return failure('tenant has no webhook secret', true);

  const body = JSON.stringify(delivery.event);
  let response: DeliveryResponse;
  try {
    response = await deliverWebhook({
      url: delivery.url,
      body,
      // The endpoint's own headers first: the signature's (refused in them at the API) always win.
      headers: { ...endpoint?.headers, ...signWebhook(secrets, { id: delivery.event.id, timestamp: new Date(), body }) },
      timeoutMs: endpoint?.timeoutMs ?? deps.timeoutMs,
      policy: deps.policy,
    });
  } catch (error) {
    // The host re-resolved to a private address at connect time (DNS rebinding): never retried.
    return failure(`request failed: ${(error as Error).message}`, lastAttempt || (error as NodeJS.ErrnoException).code === PRIVATE_ADDRESS_CODE);
  }

  // The receiver says the endpoint is gone for good: stop sending to it at all.
  if (response.status === 410) return { ...failure('receiver answered 410 Gone', true, response), gone: true };
  if (!isDelivered(response.status)) return failure(`receiver answered ${response.status}`, lastAttempt, response);
  return { kind: 'delivered', response };
}
