import { describe, expect, it } from 'vitest';
import { audioBody, type AudioHttpResponse } from './audio-answer';

const answer = (body: Buffer, contentType: string | null): AudioHttpResponse => ({ status: 200, headers: {}, body, contentType });

describe('audioBody', () => {
  it('passes audio through, whatever its binary type', () => {
    const audio = Buffer.from([1, 2, 3, 4]);
    expect(audioBody('x', answer(audio, 'audio/mpeg'))).toBe(audio);
    expect(audioBody('x', answer(audio, 'application/octet-stream'))).toBe(audio);
    expect(audioBody('x', answer(audio, null))).toBe(audio);
  });

  it.each([
    [Buffer.alloc(0), 'audio/wav', 'x: malformed response: empty audio body'],
    [Buffer.from('{"id":"malformed"'), 'application/json', 'x: malformed response: expected audio, got application/json'],
    [Buffer.from('{}'), 'application/problem+json', 'x: malformed response: expected audio, got application/problem+json'],
    [Buffer.from('<html>'), 'text/html; charset=utf-8', 'x: malformed response: expected audio, got text/html; charset=utf-8'],
  ])('refuses %j as %s, so the router fails over', (body, type, message) => {
    expect(() => audioBody('x', answer(body, type))).toThrow(expect.objectContaining({ code: 'provider_unavailable', failover: true, message }));
  });
});
