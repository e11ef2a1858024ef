import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** The Standard Webhooks headers of one signed request. */
export interface WebhookSignatureHeaders extends Record<string, string> {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** A new tenant secret in the Standard Webhooks format: `whsec_` + base64 of 24 random bytes. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/**
 * Signs one delivery attempt. `id` must be the event id on every attempt (receivers
 * deduplicate on it); `timestamp` is the attempt's own time, since receivers reject
 * signatures older than a few minutes. Given several secrets (a rotation's grace period:
 * the new one first, then the old), `webhook-signature` carries one `v1,<sig>` per secret,
 * space-separated as Standard Webhooks allows; a receiver holding either secret verifies.
 */
export function signWebhook(secret: string | readonly string[], message: { id: string; timestamp: Date; body: string }): WebhookSignatureHeaders {
  const secrets = typeof secret === 'string' ? [secret] : [...new Set(secret)];
  if (secrets.length === 0) throw new Error('signWebhook needs at least one secret');
  return {
    'webhook-id': message.id,
    'webhook-timestamp': String(Math.floor(message.timestamp.getTime() / 1000)),
    'webhook-signature': secrets.map((s) => new Webhook(s).sign(message.id, message.timestamp, message.body)).join(' '),
  };
}
