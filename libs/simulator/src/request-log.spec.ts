import { describe, expect, it } from 'vitest';
import { RequestLog, redactHeaders } from './request-log';

const entry = (n: number) => ({ provider: 'openai', query: {}, method: 'POST', path: `/${n}`, headers: {}, body: n });

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
