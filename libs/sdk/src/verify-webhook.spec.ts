import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { verifyWebhook } from './verify-webhook';
import { VoxqError } from './voxq-error';

const newSecret = () => `whsec_${randomBytes(24).toString('base64')}`;
const secret = newSecret();
const event = { id: 'evt_job_1_completed', type: 'job.completed', createdAt: '2026-01-01T00:00:00.000Z', data: { id: 'job_1' } };
const body = JSON.stringify(event);

/** Headers as voxq's dispatcher sends them (Standard Webhooks), signed with `secrets`. */
function signed(secrets: string[], at = new Date(), id = event.id, payload = body) {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': secrets.map((s) => new Webhook(s).sign(id, at, payload)).join(' '),
  };
}

function failure(run: () => unknown): VoxqError {
  try {
    run();
  } catch (error) {
    if (error instanceof VoxqError) return error;
    throw error;
  }
  throw new Error('the webhook verified');
}

describe('verifyWebhook', () => {
  it('returns the event of a webhook signed with the secret', () => {
    expect(verifyWebhook(body, signed([secret]), secret)).toEqual(event);
  });

  it('takes the body as bytes, headers as a Headers object or in any letter case, and the first of repeated values', () => {
    const headers = signed([secret]);
    expect(verifyWebhook(new TextEncoder().encode(body), headers, secret)).toEqual(event);
    expect(verifyWebhook(body, new Headers(headers), secret)).toEqual(event);
    const shouted = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), v]));
    expect(verifyWebhook(body, shouted, secret)).toEqual(event);
    const repeated = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v, 'second value']]));
    expect(verifyWebhook(body, repeated, secret)).toEqual(event);
  });

  it('reads a missing header as missing, whatever form the headers come in', () => {
    const { 'webhook-id': id, ...withoutId } = signed([secret]);
    expect(failure(() => verifyWebhook(body, new Headers(withoutId), secret)).message).toMatch(/Missing required headers/);
    expect(failure(() => verifyWebhook(body, { ...withoutId, 'webhook-id': [] }, secret)).message).toMatch(/Missing required headers/);
    // A header literally named "undefined" is not the missing one.
    expect(failure(() => verifyWebhook(body, { ...withoutId, undefined: id }, secret)).message).toMatch(/Missing required headers/);
  });

  it('passes with any one of several secrets, and any one of several signatures (a rotation)', () => {
    const old = newSecret();
    expect(verifyWebhook(body, signed([old]), [secret, old])).toEqual(event);
    expect(verifyWebhook(body, signed([secret, old]), old)).toEqual(event);
    expect(verifyWebhook(body, signed([old, secret]), [newSecret(), secret])).toEqual(event);
  });

  const fiveMinutes = 5 * 60 * 1000;
  it.each([
    ['another secret', () => verifyWebhook(body, signed([newSecret()]), secret), /No matching signature/],
    ['none of several secrets', () => verifyWebhook(body, signed([newSecret()]), [newSecret(), newSecret()]), /No matching signature/],
    ['a changed body', () => verifyWebhook(body.replace('completed', 'failed'), signed([secret]), secret), /No matching signature/],
    ['a re-serialised body', () => verifyWebhook(JSON.stringify(event, null, 2), signed([secret]), secret), /No matching signature/],
    ['a changed id', () => verifyWebhook(body, { ...signed([secret]), 'webhook-id': 'evt_other' }, secret), /No matching signature/],
    [
      'a changed timestamp',
      () => verifyWebhook(body, { ...signed([secret]), 'webhook-timestamp': String(Math.floor(Date.now() / 1000) - 1) }, secret),
      /No matching signature/,
    ],
    ['a timestamp over 5 minutes old', () => verifyWebhook(body, signed([secret], new Date(Date.now() - fiveMinutes - 60_000)), secret), /too old/],
    ['a timestamp over 5 minutes ahead', () => verifyWebhook(body, signed([secret], new Date(Date.now() + fiveMinutes + 60_000)), secret), /too new/],
    [
      'a timestamp that is not a number',
      () => verifyWebhook(body, { ...signed([secret]), 'webhook-timestamp': 'yesterday' }, secret),
      /Invalid Signature Headers/,
    ],
    ['a signature of another version', () => verifyWebhook(body, { ...signed([secret]), 'webhook-signature': 'v2,abc' }, secret), /No matching signature/],
    [
      'no signature header',
      () => verifyWebhook(body, { 'webhook-id': event.id, 'webhook-timestamp': String(Math.floor(Date.now() / 1000)) }, secret),
      /headers/,
    ],
    ['no headers at all', () => verifyWebhook(body, {}, secret), /headers/],
    ['no secret', () => verifyWebhook(body, signed([secret]), []), /no secret given/],
  ])('refuses %s with a webhook_verification_error', (_name, run, reason) => {
    const error = failure(run);
    expect(error).toMatchObject({
      type: 'webhook_verification_error',
      code: 'invalid_signature',
      status: null,
      param: null,
      requestId: null,
      retryAfter: null,
    });
    expect(error.message).toMatch(/^The webhook could not be verified: .+\.$/);
    expect(error.message).toMatch(reason);
  });

  it('keeps the last failure as the cause', () => {
    const error = failure(() => verifyWebhook(body, signed([newSecret()]), secret));
    expect(error.cause).toBeInstanceOf(Error);
    expect(error.message).toBe(`The webhook could not be verified: ${(error.cause as Error).message}.`);
    expect(failure(() => verifyWebhook(body, signed([secret]), [])).cause).toBeUndefined();
  });
});
