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
 * signatures older than a few minutes.
 */
export function signWebhook(secret: string, message: { id: string; timestamp: Date; body: string }): WebhookSignatureHeaders {
  return {
    'webhook-id': message.id,
    'webhook-timestamp': String(Math.floor(message.timestamp.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(message.id, message.timestamp, message.body),
  };
}
