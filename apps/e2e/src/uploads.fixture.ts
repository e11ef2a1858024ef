/**
 * What the two upload specs share: sizes, fresh tenant ids, a generated request body and a
 * streamed POST (uploads.int.spec.ts), and the request helpers both suites call over their
 * own stack (uploads-audio-references.int.spec.ts names the uploads in transcribe jobs).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { Readable } from 'node:stream';
import type { Queues } from '@voxq/queues';
import type { S3ObjectStore } from '@voxq/storage';
import type { TestStack } from '@voxq/testing';

export const MiB = 1_048_576;
export const GiB = 1024 * MiB;
/** The main stack's upload limit: small, so "too large" is cheap to send. */
export const LIMIT = 1 * MiB;

export const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
/** Tenants are fresh per test: objects are kept apart by tenant prefix, not by the Redis prefix. */
export const tenantId = (name: string) => `${name}-${randomUUID().slice(0, 8)}`;

/** `total` pseudo-random bytes made on the fly (each 1 MiB chunk stamped with its number), hashed as they go. */
export function generatedBody(total: number, chunkSize = MiB) {
  const block = randomBytes(chunkSize);
  const hash = createHash('sha256');
  let sent = 0;
  let n = 0;
  const stream = new Readable({
    read() {
      if (sent >= total) return void this.push(null);
      const chunk = Buffer.from(block.subarray(0, Math.min(chunkSize, total - sent)));
      chunk.writeUInt32LE(n++, 0);
      hash.update(chunk);
      sent += chunk.length;
      this.push(chunk);
    },
  });
  return { stream, sent: () => sent, digest: () => hash.digest('hex') };
}

/** POSTs a stream (chunked unless `contentLength` is given) and reads the JSON answer. */
export function postStream(url: string, apiKey: string, body: Readable, headers: Record<string, string>) {
  return new Promise<{ status: number; body: Record<string, unknown> & { error?: { code: string; param: string | null } } }>((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { authorization: `Bearer ${apiKey}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString() || '{}') }));
      res.on('error', reject);
    });
    // The API may answer (413) and close before the whole body is sent: the answer is what
    // counts, so a write error fails the call only if no answer follows it.
    req.on('error', (error) => setTimeout(() => reject(error), 1000).unref());
    body.pipe(req);
  });
}

/**
 * Requests against a suite's stack. The getters are read at each call: the suite's
 * `beforeAll` sets the stack, its object store and (for queued audio) its queues.
 */
export function uploadHelpers(suite: { stack: () => TestStack; objects: () => S3ObjectStore; queues?: () => Queues }) {
  const queuesOf = () => {
    if (!suite.queues) throw new Error('this suite opened no queues: pass uploadHelpers({ queues })');
    return suite.queues();
  };
  const keyFor = async (name: string) => {
    const tenant = tenantId(name);
    return { tenant, apiKey: (await suite.stack().createKey(tenant)).apiKey };
  };
  const upload = (apiKey: string, data: Buffer, contentType = 'audio/wav', headers: Record<string, string> = {}) =>
    suite.stack().request(apiKey, 'POST', '/v1/uploads', data, { 'content-type': contentType, ...headers });
  const uploadsOf = async (tenant: string) => (await suite.objects().list({ prefix: `tenants/${tenant}/uploads/` })).objects;
  const queuedAudio = async (jobId: string) =>
    ((await queuesOf().forJob('transcribe', jobId).getJob(jobId))?.data as { payload: { input: { audio: Record<string, unknown> } } }).payload.input.audio;
  const transcribe = (apiKey: string, audio: unknown) =>
    suite.stack().request(apiKey, 'POST', '/v1/jobs', { type: 'transcribe', input: { audio }, intent: { language: 'en-US' } });

  return { keyFor, upload, uploadsOf, queuedAudio, transcribe };
}
