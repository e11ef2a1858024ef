import { describe, expect, it } from 'vitest';
import { formFields, queryParams, RequestLog, redactHeaders } from './request-log';

const entry = (n: number) => ({ provider: 'openai', query: {}, method: 'POST', path: `/${n}`, headers: {}, body: n, at: n });

describe('RequestLog', () => {
  it('keeps the last entries, oldest first', () => {
    const log = new RequestLog(3);
    for (let n = 1; n <= 5; n++) log.record(entry(n));
    expect(log.list().map((r) => r.body)).toEqual([3, 4, 5]);
    log.clear();
    expect(log.list()).toEqual([]);
    log.record(entry(6));
    expect(log.list().map((r) => r.body)).toEqual([6]);
  });
});

describe('redactHeaders', () => {
  it('hides the key but keeps the scheme', () => {
    expect(redactHeaders({ authorization: 'Bearer sk-secret', 'content-type': 'application/json' })).toEqual({
      authorization: 'Bearer ***',
      'content-type': 'application/json',
    });
    expect(redactHeaders({ authorization: 'Basic abc' }).authorization).toBe('Basic ***');
    expect(redactHeaders({ 'x-api-key': 'sk-ant', 'xi-api-key': 'el' })).toEqual({ 'x-api-key': '***', 'xi-api-key': '***' });
  });
});

describe('queryParams', () => {
  it('keeps a single value as a string and every value of a repeated one, in order', () => {
    expect(queryParams(new URLSearchParams('model=nova-2&keywords=Acme&keywords=Dr.+Chen'))).toEqual({ model: 'nova-2', keywords: ['Acme', 'Dr. Chen'] });
  });
});

describe('formFields', () => {
  it('reads a multipart body’s fields, naming files by size and type', async () => {
    const form = new FormData();
    form.set('model', 'whisper-1');
    form.set('prompt', 'Acme, Dr. Chen');
    form.set('file', new Blob([Buffer.alloc(10)], { type: 'audio/wav' }), 'audio.wav');
    const request = new Request('http://sim/', { method: 'POST', body: form });
    const raw = Buffer.from(await request.arrayBuffer());
    expect(await formFields(raw, request.headers.get('content-type')!)).toEqual({
      model: 'whisper-1',
      prompt: 'Acme, Dr. Chen',
      file: '<10 bytes of audio/wav>',
    });
  });

  it('is undefined for a body that is not multipart, or not readable as one', async () => {
    expect(await formFields(Buffer.from('{}'), 'application/json')).toBeUndefined();
    expect(await formFields(Buffer.from('garbage'), 'multipart/form-data; boundary=x')).toBeUndefined();
  });
});
