import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateWebhookSecret, signWebhook } from './signing';

describe('generateWebhookSecret', () => {
  it('makes a Standard Webhooks secret: whsec_ + base64 of 24 random bytes', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(24);
    expect(generateWebhookSecret()).not.toBe(secret);
  });
});

describe('signWebhook', () => {
  const secret = generateWebhookSecret();
  const body = JSON.stringify({ id: 'evt_job_1_completed', type: 'job.completed' });
  const timestamp = new Date();

  it('returns headers that the standardwebhooks verifier accepts', () => {
    const headers = signWebhook(secret, { id: 'evt_job_1_completed', timestamp, body });
    expect(headers['webhook-id']).toBe('evt_job_1_completed');
    expect(headers['webhook-timestamp']).toBe(String(Math.floor(timestamp.getTime() / 1000)));
    expect(headers['webhook-signature']).toMatch(/^v1,/);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('does not verify with another secret or a changed body', () => {
    const headers = signWebhook(secret, { id: 'evt_1', timestamp, body });
    expect(() => new Webhook(generateWebhookSecret()).verify(body, headers)).toThrow(/signature/);
    expect(() => new Webhook(secret).verify(body.replace('completed', 'failed'), headers)).toThrow(/signature/);
  });

  it('signs with each of several secrets, so either verifies during a rotation', () => {
    const old = generateWebhookSecret();
    const headers = signWebhook([secret, old], { id: 'evt_2', timestamp, body });
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new Webhook(old).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(generateWebhookSecret()).verify(body, headers)).toThrow(/signature/);
    expect(signWebhook([secret, secret], { id: 'evt_2', timestamp, body })['webhook-signature'].split(' ')).toHaveLength(1);
  });
});
