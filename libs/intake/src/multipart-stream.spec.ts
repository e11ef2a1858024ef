import { describe, expect, it } from 'vitest';
import { boundaryOf, readMultipart } from './multipart-stream';

async function* chunks(data: Buffer, size: number) {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

async function parse(body: Buffer, boundary: string, size: number) {
  const files: Array<{ field: string; filename: string; contentType: string; data: string }> = [];
  const fields = await readMultipart(chunks(body, size), boundary, async (part) => {
    const parts: Buffer[] = [];
    for await (const c of part.body) parts.push(c as Buffer);
    files.push({ field: part.field, filename: part.filename, contentType: part.contentType, data: Buffer.concat(parts).toString() });
  });
  return { fields, files };
}

describe('readMultipart', () => {
  const boundary = '----b0undary';
  const content = '{"a":1}\r\n--not-the-boundary\r\n{"b":2}\n';
  const body = Buffer.from(
    `preamble\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="in.jsonl"\r\nContent-Type: application/jsonl\r\n\r\n${content}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nbatch\r\n--${boundary}--\r\n`,
  );

  it.each([1, 3, 7, 64, 100_000])('parses files and fields in %i-byte chunks', async (size) => {
    const { fields, files } = await parse(body, boundary, size);
    expect(fields).toEqual({ purpose: 'batch' });
    expect(files).toEqual([{ field: 'file', filename: 'in.jsonl', contentType: 'application/jsonl', data: content }]);
  });

  it('refuses a body without its closing boundary', async () => {
    await expect(parse(body.subarray(0, body.length - 12), boundary, 16)).rejects.toMatchObject({ status: 400 });
  });

  it('reads the boundary from a Content-Type', () => {
    expect(boundaryOf('multipart/form-data; boundary=abc')).toBe('abc');
    expect(boundaryOf('multipart/form-data; boundary="a b"')).toBe('a b');
    expect(boundaryOf('application/json')).toBeNull();
  });
});
