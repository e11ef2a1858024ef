import { describe, expect, it } from 'vitest';
import { createWebhookEndpointSchema, listWebhookDeliveriesQuerySchema, updateWebhookEndpointSchema } from './webhook-endpoint.schema';

const url = 'https://example.com/hooks';
const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const messagesOf = (value: unknown) => {
  const parsed = createWebhookEndpointSchema.safeParse(value);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('webhook endpoint input (voxq and the Speko SDK)', () => {
  it("keeps voxq's body working: no name, no headers, the endpoint's own secret", () => {
    expect(createWebhookEndpointSchema.parse({ url })).toMatchObject({ url, headers: {}, timeoutMs: null, signingSecretSource: 'workspace' });
  });

  it("takes the SDK's input, its neutral values included, with header names lowercased", () => {
    const input = {
      name: 'Orders',
      url,
      events: ['job.completed'],
      allAgents: true,
      agentIds: [],
      filterTags: [],
      authHeaders: [],
      extractionFields: null,
      contentMode: 'full',
      headers: { 'X-Team': 'orders' },
      timeoutMs: 5_000,
      signingSecretSource: 'custom',
      signingSecret: secret,
    };
    expect(createWebhookEndpointSchema.parse(input)).toMatchObject({ name: 'Orders', headers: { 'x-team': 'orders' }, signingSecret: secret });
  });

  it('refuses, naming them, the fields voxq has no meaning for unless neutral', () => {
    expect(messagesOf({ url, allAgents: false })).toEqual([expect.stringMatching(/^allAgents: voxq has no agents/)]);
    expect(messagesOf({ url, agentIds: ['a1'] })).toEqual([expect.stringMatching(/^agentIds: /)]);
    expect(messagesOf({ url, filterTags: ['vip'] })).toEqual([expect.stringMatching(/^filterTags: /)]);
    expect(messagesOf({ url, authHeaders: [{ name: 'x-key', value: 'raw' }] })).toEqual([expect.stringMatching(/^authHeaders: .*secret header values/)]);
    expect(messagesOf({ url, contentMode: 'metadata_only' })).toEqual([expect.stringMatching(/^contentMode: .*'full'/)]);
    expect(messagesOf({ url, extractionFields: [{ key: 'x' }] })).toEqual([expect.stringMatching(/^extractionFields: /)]);
  });

  it("lists voxq's events for one it does not have", () => {
    expect(messagesOf({ url, events: ['call.report'] })).toEqual([expect.stringMatching(/^events\.0: unknown event; voxq's events are job\.completed, /)]);
  });

  it('refuses headers voxq sets itself, whatever their case', () => {
    for (const name of ['Webhook-Signature', 'webhook-id', 'Content-Type', 'Host']) {
      expect(messagesOf({ url, headers: { [name]: 'x' } })).toEqual([expect.stringMatching(/^headers: may not set /)]);
    }
    expect(messagesOf({ url, headers: { 'x-bad': 'a\r\nb' } })).toEqual([expect.stringMatching(/one line/)]);
  });

  it('needs a Standard Webhooks secret with custom, and custom with a secret', () => {
    expect(messagesOf({ url, signingSecretSource: 'custom' })).toEqual(["signingSecret: required with signingSecretSource 'custom'"]);
    expect(messagesOf({ url, signingSecret: secret })).toEqual(["signingSecretSource: must be 'custom' when signingSecret is given"]);
    expect(messagesOf({ url, signingSecretSource: 'custom', signingSecret: 'hunter2' })).toEqual([
      expect.stringMatching(/^signingSecret: must be a Standard Webhooks secret/),
    ]);
    expect(messagesOf({ url, signingSecretSource: 'custom', signingSecret: 'whsec_c2hvcnQ=' })).toEqual([expect.stringMatching(/24 to 64 bytes/)]);
  });

  it('patches any one field, and going back to the workspace secret needs none', () => {
    expect(updateWebhookEndpointSchema.parse({ name: 'Renamed' })).toEqual({ name: 'Renamed' });
    expect(updateWebhookEndpointSchema.parse({ signingSecretSource: 'workspace' })).toEqual({ signingSecretSource: 'workspace' });
    expect(updateWebhookEndpointSchema.safeParse({}).success).toBe(false);
    expect(updateWebhookEndpointSchema.safeParse({ allAgents: true }).success).toBe(false); // neutral alone changes nothing
  });
});

describe('deliveries query', () => {
  it("takes the SDK's status, event, from and to beside voxq's filters", () => {
    expect(listWebhookDeliveriesQuerySchema.parse({ status: 'failed', event: 'job.completed', from: '2026-12-01', to: '2026-12-02' })).toEqual({
      status: 'failed',
      event: 'job.completed',
      from: new Date('2026-12-01T00:00:00Z'),
      // A date `to` takes its whole day.
      to: new Date('2026-12-02T23:59:59.999Z'),
      limit: 20,
    });
    expect(listWebhookDeliveriesQuerySchema.safeParse({ state: 'failed', status: 'succeeded' }).success).toBe(false);
    expect(listWebhookDeliveriesQuerySchema.safeParse({ event: 'call.report' }).success).toBe(false);
    expect(listWebhookDeliveriesQuerySchema.parse({ sessionId: 'job_1' })).toMatchObject({ sessionId: 'job_1' });
    expect(listWebhookDeliveriesQuerySchema.safeParse({ jobId: 'job_1', sessionId: 'job_2' }).success).toBe(false);
    expect(listWebhookDeliveriesQuerySchema.safeParse({ agentId: 'agent_1' }).success).toBe(false); // voxq has no agents
  });
});
