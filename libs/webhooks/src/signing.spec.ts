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

// Fixture secrets are made here, not with generateWebhookSecret at collection time: a spec
// file that throws while it is collected counts as no tests at all for StrykerJS.
const fixedSecret = (fill: number) => `whsec_${Buffer.alloc(24, fill).toString('base64')}`;

describe('signWebhook', () => {
  const secret = fixedSecret(1);
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

describe('signWebhook failure modes', () => {
  const secret = fixedSecret(2);
  const body = '{"id":"evt_3"}';
  const at = new Date('2026-01-01T00:00:00.900Z');

  it('refuses to sign with no secret at all', () => {
    expect(() => signWebhook([], { id: 'evt_3', timestamp: at, body })).toThrow('signWebhook needs at least one secret');
  });

  it('stamps whole seconds, rounded down', () => {
    expect(signWebhook(secret, { id: 'evt_3', timestamp: at, body })['webhook-timestamp']).toBe('1767225600');
  });

  it('signs id, timestamp and body together: changing any one breaks every signature', () => {
    const headers = signWebhook(secret, { id: 'evt_3', timestamp: at, body });
    const sign = (id: string, timestamp: Date, payload: string) => signWebhook(secret, { id, timestamp, body: payload })['webhook-signature'];
    expect(sign('evt_3', at, body)).toBe(headers['webhook-signature']);
    expect(sign('evt_4', at, body)).not.toBe(headers['webhook-signature']);
    expect(sign('evt_3', new Date(at.getTime() + 1_000), body)).not.toBe(headers['webhook-signature']);
    expect(sign('evt_3', at, `${body} `)).not.toBe(headers['webhook-signature']);
  });

  it('makes base64 secrets that decode to 24 bytes, every time', () => {
    for (let i = 0; i < 50; i++) {
      const made = generateWebhookSecret();
      expect(made).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
      expect(Buffer.from(made.slice(6), 'base64').toString('base64')).toBe(made.slice(6));
    }
  });
});
