import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, scrubSecrets } from './logger';

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  return { logger: createLogger({ name: 'test', level: 'debug', destination: stream }), text: () => text };
}

describe('logger redaction', () => {
  it('blanks secrets by path: headers, keys, secrets, tool auth headers', () => {
    const { logger, text } = capture();
    logger.info(
      {
        req: { headers: { authorization: 'Bearer vq_plain', 'x-api-key': 'k-plain', cookie: 'c-plain' } },
        apiKey: 'a-plain',
        endpoint: { secret: 's-plain' },
        source: { authHeaders: { 'x-tool': 't-plain' } },
        tool: { source: { authHeaders: { 'x-tool': 't2-plain' } } },
        tenant: { webhookSecret: 'w-plain' },
        body: { name: 'crm.token', value: 'v-plain' },
        call: { source: { headers: { 'x-api-key': 'h-plain' } } },
      },
      'hello',
    );
    expect(text()).toContain('hello');
    expect(text()).not.toMatch(/-plain|vq_plain/);
  });

  it('masks secret-shaped strings anywhere in a line', () => {
    const { logger, text } = capture();
    logger.warn({ err: 'openai: HTTP 401: Incorrect API key provided: sk-proj-abcdefghijklmnop1234' }, 'provider failed');
    logger.error(`key vq_${'A'.repeat(43)} and secret whsec_${'B'.repeat(32)}`);
    logger.info({ url: 'https://s3/b/k?X-Amz-Credential=AKIA%2F2026&X-Amz-Signature=0123456789abcdef0123456789abcdef' }, 'presigned');
    logger.info({ header: `Token ${'f'.repeat(40)}`, other: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig' }, 'auth');
    const out = text();
    for (const leaked of ['abcdefghijklmnop1234', 'A'.repeat(43), 'B'.repeat(32), '0123456789abcdef0123456789abcdef', 'AKIA', 'f'.repeat(40), 'eyJhbGci']) {
      expect(out).not.toContain(leaked);
    }
    expect(out).toContain('sk-[redacted]');
    expect(out).toContain('X-Amz-Signature=[redacted]');
  });

  it('leaves ordinary words alone', () => {
    expect(scrubSecrets('Token limit exceeded; Basic plan; skip-this; task-1234567890123')).toBe(
      'Token limit exceeded; Basic plan; skip-this; task-1234567890123',
    );
  });
});
