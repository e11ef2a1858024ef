import { describe, expect, it } from 'vitest';
import { binaryBody, encodeBody, jsonBody, multipartBody } from './request-body';

describe('encodeBody', () => {
  it('sends JSON as application/json', () => {
    expect(encodeBody(jsonBody({ model: 'm', n: 1 }))).toEqual({ payload: '{"model":"m","n":1}', contentType: 'application/json' });
  });

  it('sends bytes as they are, under their own type', () => {
    const audio = Buffer.from([1, 2, 3]);
    const { payload, contentType } = encodeBody(binaryBody(audio, 'audio/wav'));
    expect(payload).toBe(audio);
    expect(contentType).toBe('audio/wav');
  });

  it('encodes a form with its boundary in the content type', () => {
    const { payload, contentType } = encodeBody(
      multipartBody({ model: 'whisper-1' }, { field: 'file', filename: 'a.wav', contentType: 'audio/wav', data: Buffer.from('RIFF') }),
    );
    const boundary = /^multipart\/form-data; boundary=(.+)$/.exec(contentType)?.[1];
    expect(boundary).toBeDefined();
    expect(payload.toString()).toContain(`--${boundary}\r\nContent-Disposition: form-data; name="model"\r\n\r\nwhisper-1\r\n`);
    expect(payload.toString()).toContain('filename="a.wav"\r\nContent-Type: audio/wav\r\n\r\nRIFF\r\n');
  });
});
