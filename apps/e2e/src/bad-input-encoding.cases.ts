import { brotliCompressSync, gzipSync } from 'node:zlib';
import type { SurfaceCase } from './bad-input-surfaces.fixture';
import { jsonl, msg, multipart, wav } from './bad-input-surfaces.fixture';

/**
 * Bodies whose `Content-Encoding` does not hold: garbage that is not gzip or brotli, a gzip
 * stream cut short, an encoding nobody knows. Each route that parses its body answers 400
 * (the body is unreadable) or 415 (the encoding is unknown); `/v1/uploads` and `/v1/files`
 * store bytes as sent, so they refuse every encoding with 415. Nothing is queued or stored either way.
 */
const truncatedGzip = (body: Buffer | string) => {
  const whole = gzipSync(body);
  return whole.subarray(0, whole.length - 12);
};

const encodings = (contentType: string, valid: Buffer | string) =>
  [
    { label: 'gzip garbage', body: Buffer.from('this is not gzip at all'), encoding: 'gzip' },
    { label: 'truncated gzip', body: truncatedGzip(valid), encoding: 'gzip' },
    { label: 'deflate garbage', body: Buffer.from('this is not deflate'), encoding: 'deflate' },
    { label: 'br garbage', body: Buffer.from('\xff\xff this is not brotli'), encoding: 'br' },
    { label: 'an unknown encoding', body: Buffer.from(valid), encoding: 'x-voxq-unknown' },
  ].map((c) => ({ ...c, headers: { 'content-type': contentType, 'content-encoding': c.encoding } }));

/** A route's cases: 400 `invalid_content_encoding` for an unreadable body, 415 for an unknown encoding. */
function parsedRoute(path: string, contentType: string, valid: Buffer | string): SurfaceCase[] {
  return encodings(contentType, valid).map((c) => ({
    name: `${path} (${contentType.split(';')[0]}): ${c.label}`,
    path,
    body: c.body,
    headers: c.headers,
    ...(c.encoding === 'x-voxq-unknown' ? { status: 415, code: 'unsupported_media_type' } : { status: 400, code: 'invalid_content_encoding' }),
  }));
}

const chat = JSON.stringify({ messages: msg });
const form = multipart([{ name: 'file', value: wav, filename: 'a.wav', type: 'audio/wav' }]);
const batchForm = multipart([
  { name: 'purpose', value: 'batch' },
  { name: 'file', value: jsonl, filename: 'in.jsonl' },
]);

export const encodingCases: SurfaceCase[] = [
  ...parsedRoute('/v1/jobs', 'application/json', JSON.stringify({ type: 'complete', input: { messages: msg } })),
  ...parsedRoute('/v1/jobs', 'audio/wav', wav),
  ...parsedRoute('/v1/complete', 'application/json', chat),
  ...parsedRoute('/v1/transcribe', 'audio/wav', wav),
  ...parsedRoute('/v1/chat/completions', 'application/json', chat),
  ...parsedRoute('/v1/audio/transcriptions', form.headers['content-type'], form.body),
  // The stream goes to S3 as sent: refused whatever the encoding, even a well-formed one.
  ...encodings('audio/wav', wav).map((c) => ({
    name: `/v1/uploads: ${c.label}`,
    path: '/v1/uploads',
    body: c.body,
    headers: c.headers,
    status: 415,
    code: 'unsupported_media_type',
    message: new RegExp(`Content-Encoding '${c.encoding}'`),
  })),
  // A batch input file is streamed to S3 as sent too.
  ...[
    { label: 'well-formed gzip', body: gzipSync(batchForm.body), encoding: 'gzip' },
    { label: 'an unknown encoding', body: batchForm.body, encoding: 'x-voxq-unknown' },
  ].map((c) => ({
    name: `/v1/files: ${c.label}`,
    path: '/v1/files',
    body: c.body,
    headers: { ...batchForm.headers, 'content-encoding': c.encoding },
    status: 415,
    code: 'unsupported_media_type',
    message: new RegExp(`Content-Encoding '${c.encoding}'`),
  })),
  {
    name: '/v1/uploads: well-formed gzip',
    path: '/v1/uploads',
    body: gzipSync(wav),
    headers: { 'content-type': 'audio/wav', 'content-encoding': 'gzip' },
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: '/v1/uploads: well-formed br',
    path: '/v1/uploads',
    body: brotliCompressSync(wav),
    headers: { 'content-type': 'audio/wav', 'content-encoding': 'br' },
    status: 415,
    code: 'unsupported_media_type',
  },
];
