import type { WebhookEvent } from '@voxq/contracts';
import { Webhook } from 'standardwebhooks';
import { VoxqError } from './voxq-error';

export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

function header(headers: WebhookHeaders, name: string): string {
  if (headers instanceof Headers) return headers.get(name) ?? '';
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}

/**
 * Checks a webhook voxq sent (Standard Webhooks: `webhook-id`, `webhook-timestamp`,
 * `webhook-signature`, HMAC-SHA256 of `id.timestamp.body` with the `whsec_` secret, the
 * timestamp within 5 minutes) and returns the parsed event. `payload` must be the raw body,
 * byte for byte: a re-serialised JSON object will not verify. Several secrets (during a
 * rotation's grace period) pass if any one matches. Throws a `VoxqError`
 * (`webhook_verification_error`) when nothing matches.
 */
export function verifyWebhook(payload: string | Uint8Array, headers: WebhookHeaders, secret: string | readonly string[]): WebhookEvent {
  const body = typeof payload === 'string' ? payload : new TextDecoder().decode(payload);
  const wanted = {
    'webhook-id': header(headers, 'webhook-id'),
    'webhook-timestamp': header(headers, 'webhook-timestamp'),
    'webhook-signature': header(headers, 'webhook-signature'),
  };
  let last: unknown;
  for (const s of typeof secret === 'string' ? [secret] : secret) {
    try {
      return new Webhook(s).verify(body, wanted) as WebhookEvent;
    } catch (error) {
      last = error;
    }
  }
  throw new VoxqError({
    status: null,
    type: 'webhook_verification_error',
    code: 'invalid_signature',
    param: null,
    message: `The webhook could not be verified: ${(last as Error | undefined)?.message ?? 'no secret given'}.`,
    requestId: null,
    retryAfter: null,
    cause: last,
  });
}
