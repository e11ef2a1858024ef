import { describe, expect, it } from 'vitest';
import { encodeMultipart } from './multipart';

describe('encodeMultipart', () => {
  it('encodes fields and a binary file that a standard parser reads back intact', async () => {
    const data = Buffer.from([0, 1, 2, 0xff, 0x0d, 0x0a, 0x2d, 0x2d]);
    const { body, contentType } = encodeMultipart(
      { model: 'whisper-1', language: 'fr' },
      { field: 'file', filename: 'audio.wav', contentType: 'audio/wav', data },
    );
    expect(contentType).toMatch(/^multipart\/form-data; boundary=voxq-[0-9a-f]{32}$/);

    const form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
    expect(form.get('model')).toBe('whisper-1');
    expect(form.get('language')).toBe('fr');
    const file = form.get('file');
    if (file === null || typeof file === 'string') throw new Error('expected a file part');
    expect(file.name).toBe('audio.wav');
    expect(file.type).toBe('audio/wav');
    expect(Buffer.from(await file.arrayBuffer())).toEqual(data);
  });

  it('escapes quotes and line breaks in names', () => {
    const { body } = encodeMultipart({}, { field: 'file', filename: 'a"b\r\n.wav', contentType: 'audio/wav', data: Buffer.alloc(0) });
    expect(body.toString()).toContain('filename="a%22b%0D%0A.wav"');
  });

  it('uses a fresh boundary each time', () => {
    const file = { field: 'file', filename: 'a.wav', contentType: 'audio/wav', data: Buffer.alloc(1) };
    expect(encodeMultipart({}, file).contentType).not.toBe(encodeMultipart({}, file).contentType);
  });
});
