import { Readable } from 'node:stream';
import { brotliDecompressSync, gunzipSync, gzipSync, inflateSync } from 'node:zlib';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { fromExpress } from './error-handler';

/** The error express.json() hands on for `body` sent with `Content-Encoding: encoding`. */
function parserErrorFor(body: Buffer, encoding: string): Promise<object> {
  const parse = express.json({ type: () => true });
  // `Transfer-Encoding` so body-parser sees a body to read.
  const req = Object.assign(Readable.from([body]), {
    headers: { 'content-type': 'application/json', 'content-encoding': encoding, 'transfer-encoding': 'chunked' },
  });
  return new Promise((resolve, reject) =>
    parse(req as never, {} as never, (error?: unknown) => (error ? resolve(error as object) : reject(new Error('parsed')))),
  );
}

describe('fromExpress', () => {
  it.each([
    ['gzip', Buffer.from('not gzip')],
    ['gzip', gzipSync('{"a":1}').subarray(0, 10)],
    ['deflate', Buffer.from('not deflate')],
    ['br', Buffer.from('\xff not brotli')],
  ])('maps a %s body that does not decompress to 400 invalid_content_encoding', async (encoding, body) => {
    const error = fromExpress(await parserErrorFor(body, encoding));
    expect({ status: error?.status, code: error?.code }).toEqual({ status: 400, code: 'invalid_content_encoding' });
  });

  it('maps an unknown encoding to 415', async () => {
    const error = fromExpress(await parserErrorFor(Buffer.from('{}'), 'x-unknown'));
    expect({ status: error?.status, code: error?.code }).toEqual({ status: 415, code: 'unsupported_media_type' });
  });

  it('leaves an error of our own code (zlib used elsewhere, no status) to the 500 path', () => {
    const thrown = [() => gunzipSync(Buffer.from('x')), () => inflateSync(Buffer.from('x')), () => brotliDecompressSync(Buffer.from('\xff'))].map((f) => {
      try {
        f();
      } catch (error) {
        return error as object;
      }
      return {};
    });
    for (const error of thrown) expect(fromExpress(error)).toBeNull();
  });
});
