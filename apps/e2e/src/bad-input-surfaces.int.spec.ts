import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bullPrefix, QUEUE_NAMES } from '@voxq/queues';
import { S3ObjectStore, tenantPrefix } from '@voxq/storage';
import { cleanupPrefix, sineWav, startStack, testConfig, type TestStack } from '@voxq/testing';

/**
 * Hostile and malformed requests against every surface but `POST /v1/jobs` (that one is
 * `bad-input.int.spec.ts`): each must be a 4xx in its surface's envelope and leave every
 * queue, the tenants' job indexes and their bucket folders exactly as they were. The stack
 * refuses private networks and plain http, as production does.
 */

interface Fixtures {
  /** Tenant A's things, which tenant B must not see, change or learn exist. */
  jobA: string;
  cancelledJobA: string;
  uploadA: string;
  uploadKeyA: string;
  endpointA: string;
  endpointB: string;
  deliveryA: string;
  fileA: string;
  batchA: string;
  dropRuleA: string;
  tenantA: string;
  tenantB: string;
  bucket: string;
}

interface SurfaceCase {
  name: string;
  method?: string;
  path: string | ((f: Fixtures) => string);
  body?: unknown;
  bodyOf?: (f: Fixtures) => unknown;
  headers?: Record<string, string>;
  /** Who calls: tenant B (default), tenant A, no key, or a key that does not exist. */
  as?: 'a' | 'b' | 'none' | 'bogus';
  status: number;
  code?: string;
  param?: string;
  message?: RegExp;
}

const msg = [{ role: 'user', content: 'hi' }];
const PUBLIC_HOOK = 'https://93.184.216.34/hook';
const FAKE_JOB = 'job_0000000000000000000000000000';
const FAKE_UPLOAD = 'up_0000000000000000000000000000';

/** A multipart/form-data body from text fields and files. */
function multipart(parts: { name: string; value: string | Buffer; filename?: string; type?: string }[]) {
  const boundary = `----voxq${randomUUID()}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename === undefined ? '' : `; filename="${part.filename}"`}`;
    const type = part.type ? `\r\nContent-Type: ${part.type}` : '';
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}${type}\r\n\r\n`), Buffer.from(part.value), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

const wav = sineWav(0.05);
const jsonl = Buffer.from(`${JSON.stringify({ custom_id: 'a', method: 'POST', url: '/v1/chat/completions', body: { messages: msg } })}\n`);
const badJson = { body: '{"messages": [', headers: { 'content-type': 'application/json' } };
const JSON_LIMIT = 4096;
const AUDIO_LIMIT = 8192;
const bigJson = (extra: Record<string, unknown> = {}) => ({ ...extra, pad: 'x'.repeat(JSON_LIMIT * 2) });

const jobsCases: SurfaceCase[] = [
  // Audio by reference: SSRF and path tricks.
  ...[
    ['cloud metadata', 'https://169.254.169.254/latest/meta-data/'],
    ['loopback', 'https://127.0.0.1/a.wav'],
    ['localhost by name', 'https://localhost/a.wav'],
    ['IPv6 loopback', 'https://[::1]/a.wav'],
    ['IPv4-mapped IPv6 loopback', 'https://[::ffff:127.0.0.1]/a.wav'],
    ['decimal-encoded loopback', 'https://2130706433/a.wav'],
    ['hex-encoded private address', 'https://0x0a000001/a.wav'],
    ['a private network', 'https://192.168.1.10/a.wav'],
    ['plain http', 'http://93.184.216.34/a.wav'],
    ['a file: URL', 'file:///etc/passwd'],
  ].map(([what, url]): SurfaceCase => ({ name: `jobs: audio URL to ${what}`, path: '/v1/jobs', body: { type: 'transcribe', input: { audio: { url } } }, status: 400, param: 'input.audio.url' })),
  ...[
    ["another tenant's upload object", (f: Fixtures) => `s3://${f.bucket}/${f.uploadKeyA}`],
    ['a dot-dot segment out of the tenant', (f: Fixtures) => `s3://${f.bucket}/tenants/${f.tenantB}/../${f.tenantA}/uploads/x`],
    ['a percent-encoded dot-dot', (f: Fixtures) => `s3://${f.bucket}/tenants/${f.tenantB}/%2e%2e/${f.tenantA}/uploads/x`],
    ['another bucket', (f: Fixtures) => `s3://not-${f.bucket}/tenants/${f.tenantB}/a.wav`],
    ['an absolute key', (f: Fixtures) => `s3://${f.bucket}//tenants/${f.tenantB}/a.wav`],
    ['a key outside tenants/', (f: Fixtures) => `s3://${f.bucket}/batches/a.wav`],
  ].map(([what, url]): SurfaceCase => ({
    name: `jobs: s3:// URL to ${what as string}`,
    path: '/v1/jobs',
    bodyOf: (f) => ({ type: 'transcribe', input: { audio: { url: (url as (f: Fixtures) => string)(f) } } }),
    status: 400,
    param: 'input.audio.url',
  })),
  { name: "jobs: another tenant's upload id", path: '/v1/jobs', bodyOf: (f) => ({ type: 'transcribe', input: { audio: { uploadId: f.uploadA } } }), status: 404 },
  { name: 'jobs: an upload id with a path in it', path: '/v1/jobs', body: { type: 'transcribe', input: { audio: { uploadId: '../up_0000000000000000000000000000' } } }, status: 400 },
  { name: 'jobs: webhook to a decimal-encoded loopback', path: '/v1/jobs', body: { type: 'complete', input: { messages: msg }, webhook: { url: 'https://2130706433/hook' } }, status: 400, param: 'webhook.url' },
  {
    name: 'jobs: a webhook tool posting to cloud metadata',
    path: '/v1/jobs',
    body: { type: 'complete', input: { messages: msg, tools: [{ name: 'lookup', executionMode: 'webhook', source: { kind: 'webhook', url: 'https://169.254.169.254/x' } }] } },
    status: 400,
    param: 'input.tools.0.source.url',
  },
  {
    name: 'jobs: a tool authHeader with a bad header name',
    path: '/v1/jobs',
    body: { type: 'complete', input: { messages: msg, tools: [{ name: 'lookup', executionMode: 'webhook', source: { kind: 'webhook', url: PUBLIC_HOOK, authHeaders: { 'bad header': 'x' } } }] } },
    status: 400,
  },
  { name: 'jobs: an empty provider name', path: '/v1/jobs', body: { type: 'complete', input: { messages: msg }, constraints: { allowedProviders: { llm: [''] } } }, status: 400 },
  { name: 'jobs: an absurdly long provider list', path: '/v1/jobs', body: { type: 'complete', input: { messages: msg }, constraints: { allowedProviders: { llm: Array.from({ length: 33 }, (_, i) => `p${i}`) } } }, status: 400 },
  { name: 'jobs: an absurd maxTokens', path: '/v1/jobs', body: { type: 'complete', input: { messages: msg, maxTokens: 1e15 } }, status: 400, param: 'input.maxTokens' },
  { name: 'jobs: Idempotency-Key reused with another body', path: '/v1/jobs', body: { type: 'complete', input: { messages: [{ role: 'user', content: 'another body' }] } }, headers: { 'idempotency-key': 'idem-b' }, status: 409 },
  // Batch submission.
  { name: 'jobs:batch: malformed JSON', path: '/v1/jobs:batch', ...badJson, status: 400, code: 'invalid_json' },
  { name: 'jobs:batch: jobs is not a list', path: '/v1/jobs:batch', body: { jobs: { type: 'complete' } }, status: 400, param: 'jobs' },
  { name: 'jobs:batch: an empty list', path: '/v1/jobs:batch', body: { jobs: [] }, status: 400, param: 'jobs' },
  { name: 'jobs:batch: over 1,000 jobs', path: '/v1/jobs:batch', body: { jobs: Array.from({ length: 1001 }, () => 0) }, status: 400 },
  { name: 'jobs:batch: one bad job spoils the batch', path: '/v1/jobs:batch', body: { jobs: [{ type: 'complete', input: { messages: msg } }, { type: 'complete', input: { messages: [] } }] }, status: 400, param: 'jobs.1.input.messages' },
  { name: 'jobs:batch: a job with an SSRF webhook spoils the batch', path: '/v1/jobs:batch', body: { jobs: [{ type: 'complete', input: { messages: msg } }, { type: 'complete', input: { messages: msg }, webhook: { url: 'https://10.0.0.1/x' } }] }, status: 400 },
  { name: 'jobs:batch: over the JSON limit', path: '/v1/jobs:batch', body: bigJson({ jobs: [] }), status: 413, code: 'payload_too_large' },
  { name: 'jobs:batch: a form body', path: '/v1/jobs:batch', body: 'jobs=1', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415 },
  // Reading and listing.
  { name: 'jobs: list with a negative limit', method: 'GET', path: '/v1/jobs?limit=-1', status: 400, param: 'query.limit' },
  { name: 'jobs: list with an absurd limit', method: 'GET', path: '/v1/jobs?limit=1000000000', status: 400, param: 'query.limit' },
  { name: 'jobs: list with an unknown status', method: 'GET', path: '/v1/jobs?status=exploded', status: 400, param: 'query.status' },
  { name: 'jobs: list with an unknown parameter', method: 'GET', path: '/v1/jobs?tenant=a', status: 400, param: 'query.tenant' },
  { name: 'jobs: an encoded dot-dot id', method: 'GET', path: '/v1/jobs/%2e%2e%2f%2e%2e%2fjob', status: 404 },
  { name: "jobs: another tenant's job", method: 'GET', path: (f) => `/v1/jobs/${f.jobA}`, status: 404, code: 'job_not_found' },
  { name: "jobs: cancelling another tenant's job", method: 'DELETE', path: (f) => `/v1/jobs/${f.jobA}`, status: 404 },
  { name: "jobs: another tenant's result", method: 'GET', path: (f) => `/v1/jobs/${f.jobA}/result`, status: 404 },
  { name: "jobs: another tenant's delivery log", method: 'GET', path: (f) => `/v1/jobs/${f.cancelledJobA}/deliveries`, status: 404 },
  { name: 'jobs: a job that does not exist', method: 'DELETE', path: `/v1/jobs/${FAKE_JOB}`, status: 404 },
];

const uploadCases: SurfaceCase[] = [
  { name: 'uploads: an HTML body', path: '/v1/uploads', body: '<script>alert(1)</script>', headers: { 'content-type': 'text/html' }, status: 415 },
  { name: 'uploads: no content type', path: '/v1/uploads', body: wav, headers: { 'content-type': '' }, status: 415 },
  { name: 'uploads: over UPLOAD_MAX_BYTES', path: '/v1/uploads', body: Buffer.alloc(AUDIO_LIMIT * 2, 1), headers: { 'content-type': 'audio/wav' }, status: 413 },
  { name: 'uploads: a filename with a path', path: '/v1/uploads', body: wav, headers: { 'content-type': 'audio/wav', 'x-voxq-filename': '../../etc/passwd' }, status: 400, param: 'X-Voxq-Filename' },
  { name: 'uploads: presign for a script', path: '/v1/uploads:presign', body: { contentType: 'application/javascript' }, status: 400, param: 'contentType' },
  { name: 'uploads: presign with an unknown field', path: '/v1/uploads:presign', body: { contentType: 'audio/wav', key: '../../other' }, status: 400, param: 'key' },
  { name: 'uploads: presign with a slash in the filename', path: '/v1/uploads:presign', body: { contentType: 'audio/wav', filename: '../x.wav' }, status: 400, param: 'filename' },
  { name: 'uploads: presign with malformed JSON', path: '/v1/uploads:presign', ...badJson, status: 400, code: 'invalid_json' },
  { name: 'uploads: an encoded dot-dot id', method: 'GET', path: '/v1/uploads/%2e%2e%2f%2e%2e%2fjobs', status: 404 },
  { name: "uploads: another tenant's upload", method: 'GET', path: (f) => `/v1/uploads/${f.uploadA}`, status: 404 },
  { name: "uploads: completing another tenant's upload", path: (f) => `/v1/uploads/${f.uploadA}/complete`, status: 404 },
  { name: "uploads: deleting another tenant's upload", method: 'DELETE', path: (f) => `/v1/uploads/${f.uploadA}`, status: 404 },
  { name: 'uploads: completing one that does not exist', path: `/v1/uploads/${FAKE_UPLOAD}/complete`, status: 404 },
];

const dropCases: SurfaceCase[] = [
  { name: "drop-rules: watching another tenant's folder", path: '/v1/drop-rules', bodyOf: (f) => ({ prefix: `tenants/${f.tenantA}/in/`, outputPrefix: `tenants/${f.tenantB}/out/`, type: 'transcribe' }), status: 400, param: 'prefix' },
  { name: 'drop-rules: a dot-dot prefix', path: '/v1/drop-rules', bodyOf: (f) => ({ prefix: `tenants/${f.tenantB}/../${f.tenantA}/in/`, outputPrefix: `tenants/${f.tenantB}/out/`, type: 'transcribe' }), status: 400, param: 'prefix' },
  { name: "drop-rules: outputs into another tenant's folder", path: '/v1/drop-rules', bodyOf: (f) => ({ prefix: `tenants/${f.tenantB}/in/`, outputPrefix: `tenants/${f.tenantA}/out/`, type: 'transcribe' }), status: 400, param: 'outputPrefix' },
  { name: 'drop-rules: another bucket', path: '/v1/drop-rules', bodyOf: (f) => ({ bucket: `not-${f.bucket}`, prefix: `tenants/${f.tenantB}/in/`, outputPrefix: `tenants/${f.tenantB}/out/`, type: 'transcribe' }), status: 400, param: 'bucket' },
  { name: 'drop-rules: a webhook into the private network', path: '/v1/drop-rules', bodyOf: (f) => ({ prefix: `tenants/${f.tenantB}/in/`, outputPrefix: `tenants/${f.tenantB}/out/`, type: 'transcribe', webhook: { url: 'https://169.254.169.254/' } }), status: 400, param: 'webhook.url' },
  { name: 'drop-rules: a complete job', path: '/v1/drop-rules', bodyOf: (f) => ({ prefix: `tenants/${f.tenantB}/in/`, outputPrefix: `tenants/${f.tenantB}/out/`, type: 'complete' }), status: 400, param: 'type' },
  { name: "drop-rules: another tenant's rule", method: 'GET', path: (f) => `/v1/drop-rules/${f.dropRuleA}`, status: 404 },
  { name: "drop-rules: deleting another tenant's rule", method: 'DELETE', path: (f) => `/v1/drop-rules/${f.dropRuleA}`, status: 404 },
  { name: 's3-events: malformed JSON', path: '/v1/s3-events', ...badJson, status: 400, code: 'invalid_json' },
  { name: 's3-events: Records not a list', path: '/v1/s3-events', body: { Records: 'all of them' }, status: 400, param: 'Records' },
  { name: 's3-events: a record without a key', path: '/v1/s3-events', body: { Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'b' }, object: {} } }] }, status: 400 },
  { name: 's3-events: over the JSON limit', path: '/v1/s3-events', body: bigJson({ Records: [] }), status: 413 },
];

const webhookCases: SurfaceCase[] = [
  ...[
    ['cloud metadata', 'https://169.254.169.254/latest'],
    ['IPv6 loopback', 'https://[::1]/hook'],
    ['decimal-encoded loopback', 'https://2130706433/hook'],
    ['localhost', 'https://localhost/hook'],
    ['plain http', 'http://93.184.216.34/hook'],
    ['a javascript: URL', 'javascript:alert(1)'],
  ].map(([what, url]): SurfaceCase => ({ name: `webhooks: an endpoint at ${what}`, path: '/v1/webhooks', body: { url }, status: 400, param: 'url' })),
  { name: 'webhooks: an unknown event', path: '/v1/webhooks', body: { url: PUBLIC_HOOK, events: ['job.exploded'] }, status: 400 },
  { name: 'webhooks: a caller-chosen secret', path: '/v1/webhooks', body: { url: PUBLIC_HOOK, secret: 'whsec_mine' }, status: 400, param: 'secret' },
  { name: 'webhooks: enabled is not a boolean', path: '/v1/webhooks', body: { url: PUBLIC_HOOK, enabled: 'yes' }, status: 400, param: 'enabled' },
  { name: 'webhooks: over the JSON limit', path: '/v1/webhooks', body: bigJson({ url: PUBLIC_HOOK }), status: 413 },
  { name: 'webhooks: moving an endpoint into the private network', method: 'PATCH', path: (f) => `/v1/webhooks/${f.endpointB}`, body: { url: 'https://10.0.0.1/x' }, status: 400, param: 'url' },
  { name: "webhooks: another tenant's endpoint", method: 'GET', path: (f) => `/v1/webhooks/${f.endpointA}`, status: 404 },
  { name: "webhooks: changing another tenant's endpoint", method: 'PATCH', path: (f) => `/v1/webhooks/${f.endpointA}`, body: { enabled: false }, status: 404 },
  { name: "webhooks: deleting another tenant's endpoint", method: 'DELETE', path: (f) => `/v1/webhooks/${f.endpointA}`, status: 404 },
  { name: "webhooks: rotating another tenant's secret", path: (f) => `/v1/webhooks/${f.endpointA}/rotate-secret`, status: 404 },
  { name: 'deliveries: an unknown state', method: 'GET', path: '/v1/webhook-deliveries?state=exploded', status: 400 },
  { name: 'deliveries: an absurd limit', method: 'GET', path: '/v1/webhook-deliveries?limit=99999', status: 400 },
  { name: "deliveries: another tenant's delivery", method: 'GET', path: (f) => `/v1/webhook-deliveries/${f.deliveryA}`, status: 404 },
  { name: "deliveries: redelivering another tenant's delivery", path: (f) => `/v1/webhook-deliveries/${f.deliveryA}/redeliver`, status: 404 },
];

const spekoCases: SurfaceCase[] = [
  { name: 'transcribe: a JSON body', path: '/v1/transcribe', body: { audio: 'x' }, status: 415 },
  { name: 'transcribe: an empty body', path: '/v1/transcribe', body: Buffer.alloc(0), headers: { 'content-type': 'audio/wav' }, status: 400, param: 'body' },
  { name: 'transcribe: over the audio limit', path: '/v1/transcribe', body: Buffer.alloc(AUDIO_LIMIT * 2, 1), headers: { 'content-type': 'audio/wav' }, status: 413 },
  { name: 'transcribe: x-speko-intent not JSON', path: '/v1/transcribe', body: wav, headers: { 'content-type': 'audio/wav', 'x-speko-intent': '{nope' }, status: 400, param: 'x-speko-intent' },
  { name: 'transcribe: x-speko-intent with an unknown field', path: '/v1/transcribe', body: wav, headers: { 'content-type': 'audio/wav', 'x-speko-intent': '{"language":"en","tenant":"a"}' }, status: 400, param: 'x-speko-intent.tenant' },
  { name: 'transcribe: x-speko-constraints with providers as a string', path: '/v1/transcribe', body: wav, headers: { 'content-type': 'audio/wav', 'x-speko-constraints': '{"allowedProviders":{"stt":"openai"}}' }, status: 400, param: 'x-speko-constraints.allowedProviders.stt' },
  { name: 'transcribe: a bad Idempotency-Key', path: '/v1/transcribe', body: wav, headers: { 'content-type': 'audio/wav', 'idempotency-key': 'bad key with spaces' }, status: 400, param: 'Idempotency-Key' },
  { name: 'synthesize: malformed JSON', path: '/v1/synthesize', ...badJson, status: 400, code: 'invalid_json' },
  { name: 'synthesize: text is a number', path: '/v1/synthesize', body: { text: 42 }, status: 400, param: 'text' },
  { name: 'synthesize: a negative speed', path: '/v1/synthesize', body: { text: 'hi', speed: -1 }, status: 400, param: 'speed' },
  { name: 'synthesize: an unknown field', path: '/v1/synthesize', body: { text: 'hi', tenantId: 'a' }, status: 400, param: 'tenantId' },
  { name: 'synthesize: over the JSON limit', path: '/v1/synthesize', body: { text: 'x'.repeat(JSON_LIMIT * 2) }, status: 413 },
  { name: 'complete: messages is a string', path: '/v1/complete', body: { messages: 'hi' }, status: 400, param: 'messages' },
  { name: 'complete: temperature is a word', path: '/v1/complete', body: { messages: msg, temperature: 'hot' }, status: 400, param: 'temperature' },
  { name: 'complete: negative maxToolHops', path: '/v1/complete', body: { messages: msg, maxToolHops: -3 }, status: 400, param: 'maxToolHops' },
  { name: 'complete: a tool posting to localhost', path: '/v1/complete', body: { messages: msg, tools: [{ name: 't', executionMode: 'webhook', source: { kind: 'webhook', url: 'https://127.0.0.1:6379/' } }] }, status: 400 },
];

const openAiCases: SurfaceCase[] = [
  { name: 'chat: malformed JSON', path: '/v1/chat/completions', ...badJson, status: 400, code: 'invalid_json' },
  { name: 'chat: no messages', path: '/v1/chat/completions', body: { model: 'gpt-4o-mini' }, status: 400, param: 'messages' },
  { name: 'chat: an unknown role', path: '/v1/chat/completions', body: { messages: [{ role: 'robot', content: 'x' }] }, status: 400 },
  { name: 'chat: a negative max_tokens', path: '/v1/chat/completions', body: { messages: msg, max_tokens: -5 }, status: 400 },
  { name: 'chat: temperature is a string', path: '/v1/chat/completions', body: { messages: msg, temperature: 'warm' }, status: 400, param: 'temperature' },
  { name: 'chat: over the JSON limit', path: '/v1/chat/completions', body: { messages: [{ role: 'user', content: 'x'.repeat(JSON_LIMIT * 2) }] }, status: 413 },
  { name: 'chat: a form body', path: '/v1/chat/completions', body: 'messages=hi', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415 },
  { name: 'speech: no input', path: '/v1/audio/speech', body: { model: 'tts-1', voice: 'alloy' }, status: 400, param: 'input' },
  { name: 'speech: speed is a word', path: '/v1/audio/speech', body: { input: 'hi', speed: 'fast' }, status: 400, param: 'speed' },
  { name: 'speech: an absurd speed', path: '/v1/audio/speech', body: { input: 'hi', speed: 1e9 }, status: 400 },
  { name: 'transcriptions: not multipart', path: '/v1/audio/transcriptions', body: { file: 'x' }, status: 415 },
  { name: 'transcriptions: no file', path: '/v1/audio/transcriptions', ...multipart([{ name: 'model', value: 'whisper-1' }]), status: 400, param: 'file' },
  { name: 'transcriptions: an empty file', path: '/v1/audio/transcriptions', ...multipart([{ name: 'file', value: Buffer.alloc(0), filename: 'a.wav', type: 'audio/wav' }]), status: 400, param: 'file' },
  { name: 'transcriptions: an unknown response_format', path: '/v1/audio/transcriptions', ...multipart([{ name: 'file', value: wav, filename: 'a.wav', type: 'audio/wav' }, { name: 'response_format', value: 'html' }]), status: 400, param: 'response_format' },
  { name: 'transcriptions: a bad language', path: '/v1/audio/transcriptions', ...multipart([{ name: 'file', value: wav, filename: 'a.wav', type: 'audio/wav' }, { name: 'language', value: 'klingon please' }]), status: 400 },
  { name: 'transcriptions: garbage in a multipart content type', path: '/v1/audio/transcriptions', body: 'not a form', headers: { 'content-type': 'multipart/form-data; boundary=zzz' }, status: 400, param: 'file' },
  {
    name: 'transcriptions: over the multipart limit',
    path: '/v1/audio/transcriptions',
    ...multipart([{ name: 'file', value: Buffer.alloc(AUDIO_LIMIT + 1_048_576 + 10, 1), filename: 'a.wav', type: 'audio/wav' }]),
    status: 413,
  },
  { name: 'transcriptions: audio over the job limit', path: '/v1/audio/transcriptions', ...multipart([{ name: 'file', value: Buffer.alloc(AUDIO_LIMIT * 2, 1), filename: 'a.wav', type: 'audio/wav' }]), status: 413 },
  { name: 'translations: not multipart', path: '/v1/audio/translations', body: 'x', headers: { 'content-type': 'text/plain' }, status: 415 },
];

const batchCases: SurfaceCase[] = [
  { name: 'files: not multipart', path: '/v1/files', body: { purpose: 'batch' }, status: 415 },
  { name: 'files: no file', path: '/v1/files', ...multipart([{ name: 'purpose', value: 'batch' }]), status: 400, param: 'file' },
  { name: 'files: another purpose', path: '/v1/files', ...multipart([{ name: 'file', value: jsonl, filename: 'in.jsonl' }, { name: 'purpose', value: 'fine-tune' }]), status: 400, param: 'purpose' },
  {
    name: 'files: an absurd expiry',
    path: '/v1/files',
    ...multipart([{ name: 'file', value: jsonl, filename: 'in.jsonl' }, { name: 'purpose', value: 'batch' }, { name: 'expires_after[anchor]', value: 'created_at' }, { name: 'expires_after[seconds]', value: '-5' }]),
    status: 400,
  },
  { name: 'files: a truncated form', path: '/v1/files', body: Buffer.from('------x\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\nabc'), headers: { 'content-type': 'multipart/form-data; boundary=----x' }, status: 400 },
  { name: 'files: over BATCH_MAX_FILE_BYTES', path: '/v1/files', ...multipart([{ name: 'purpose', value: 'batch' }, { name: 'file', value: Buffer.alloc(JSON_LIMIT * 4, 0x61), filename: 'in.jsonl' }]), status: 413 },
  { name: 'batches: over the maximum number of requests', path: '/v1/batches', body: { jobs: Array.from({ length: 4 }, () => ({ type: 'complete', input: { messages: msg } })) }, status: 400, param: 'jobs' },
  { name: "files: another tenant's file", method: 'GET', path: (f) => `/v1/files/${f.fileA}`, status: 404 },
  { name: "files: another tenant's file content", method: 'GET', path: (f) => `/v1/files/${f.fileA}/content`, status: 404 },
  { name: "files: deleting another tenant's file", method: 'DELETE', path: (f) => `/v1/files/${f.fileA}`, status: 404 },
  { name: 'files: an encoded dot-dot id', method: 'GET', path: '/v1/files/%2e%2e%2f%2e%2e%2fcontent', status: 404 },
  { name: 'batches: malformed JSON', path: '/v1/batches', ...badJson, status: 400, code: 'invalid_json' },
  { name: "batches: another tenant's input file", path: '/v1/batches', bodyOf: (f) => ({ input_file_id: f.fileA, endpoint: '/v1/chat/completions' }), status: 404 },
  { name: 'batches: an unknown endpoint', path: '/v1/batches', body: { input_file_id: 'file-x', endpoint: '/v1/admin' }, status: 400, param: 'endpoint' },
  { name: 'batches: a one-second window', path: '/v1/batches', body: { jobs: [{ type: 'complete', input: { messages: msg } }], completion_window: '1s' }, status: 400, param: 'completion_window' },
  { name: 'batches: inline jobs empty', path: '/v1/batches', body: { jobs: [] }, status: 400, param: 'jobs' },
  { name: 'batches: an inline job with a bad input', path: '/v1/batches', body: { jobs: [{ type: 'complete', input: { messages: msg } }, { type: 'complete', input: { messages: msg, temperature: 9 } }] }, status: 400, param: 'jobs.1.input.temperature' },
  { name: 'batches: an inline batch with an SSRF webhook', path: '/v1/batches', body: { jobs: [{ type: 'complete', input: { messages: msg } }], webhook: { url: 'https://169.254.169.254/' } }, status: 400, param: 'webhook.url' },
  { name: 'batches: duplicate custom ids', path: '/v1/batches', body: { jobs: [{ custom_id: 'x', type: 'complete', input: { messages: msg } }, { custom_id: 'x', type: 'complete', input: { messages: msg } }] }, status: 400, param: 'jobs.1.custom_id' },
  { name: 'batches: list with limit 0', method: 'GET', path: '/v1/batches?limit=0', status: 400 },
  { name: "batches: another tenant's batch", method: 'GET', path: (f) => `/v1/batches/${f.batchA}`, status: 404 },
  { name: "batches: cancelling another tenant's batch", path: (f) => `/v1/batches/${f.batchA}/cancel`, status: 404 },
];

const catalogCases: SurfaceCase[] = [
  { name: 'models: an unknown capability', method: 'GET', path: '/v1/models?recommended_for=telepathy', status: 400, param: 'query.recommended_for' },
  { name: 'models: an unknown parameter', method: 'GET', path: '/v1/models?debug=1', status: 400 },
  { name: 'scores-runs: a path trick', method: 'GET', path: '/v1/scores-runs/sr_..%2f..%2fjob', status: 404 },
  { name: 'scores-runs: one that does not exist', method: 'GET', path: `/v1/scores-runs/sr_${'0'.repeat(32)}`, status: 404 },
  { name: 'providers: no API key', method: 'GET', path: '/v1/providers', as: 'none', status: 401 },
  { name: 'usage: a key that does not exist', method: 'GET', path: '/v1/usage', as: 'bogus', status: 401 },
  { name: 'jobs: a key that does not exist', path: '/v1/jobs', body: { type: 'complete', input: { messages: msg } }, as: 'bogus', status: 401 },
  { name: 'chat: no API key', path: '/v1/chat/completions', body: { messages: msg }, as: 'none', status: 401 },
  { name: 'an unknown route', method: 'GET', path: '/v1/admin/keys', status: 404 },
  { name: 'a malformed percent-encoding in an id', method: 'GET', path: '/v1/jobs/%E0%A4%A', status: 400 },
  { name: 'a malformed percent-encoding on an OpenAI route', method: 'GET', path: '/v1/files/%E0%A4%A', status: 400 },
];

const cases = [...jobsCases, ...uploadCases, ...dropCases, ...webhookCases, ...spekoCases, ...openAiCases, ...batchCases, ...catalogCases];

/** The OpenAI-style surfaces answer in OpenAI's envelope (key order as OpenAI sends it). */
const OPENAI_PATH = /^\/v1\/(chat|audio|files|batches)\b/;

describe('bad input on every surface', () => {
  let stack: TestStack;
  let redis: Redis;
  let objects: S3ObjectStore;
  let queues: Queue[];
  const keys: Record<'a' | 'b', string> = { a: '', b: '' };
  const f = {} as Fixtures;

  beforeAll(async () => {
    stack = await startStack(
      testConfig({
        WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false',
        WEBHOOK_ALLOW_HTTP: 'false',
        API_JSON_LIMIT_BYTES: String(JSON_LIMIT),
        API_AUDIO_LIMIT_BYTES: String(AUDIO_LIMIT),
        UPLOAD_MAX_BYTES: String(AUDIO_LIMIT),
        BATCH_MAX_FILE_BYTES: String(JSON_LIMIT * 2),
        BATCH_MAX_REQUESTS: '3',
        API_RATE_LIMIT_PER_SECOND: '0',
        // One-shot calls answer 202 at once: nothing runs the jobs here.
        API_SYNC_WAIT_MS: '0',
      }),
      { worker: false, dispatcher: false },
    );
    redis = new Redis(stack.config.redis.url);
    objects = new S3ObjectStore(stack.config.s3);
    const prefix = bullPrefix(stack.config.redis.prefix);
    queues = Object.values(QUEUE_NAMES).map((name) => new Queue(name, { connection: redis, prefix }));
    const run = randomUUID().slice(0, 8);
    f.tenantA = `bad-a-${run}`;
    f.tenantB = `bad-b-${run}`;
    f.bucket = objects.bucket;
    keys.a = (await stack.createKey(f.tenantA)).apiKey;
    keys.b = (await stack.createKey(f.tenantB)).apiKey;

    const ok = async (key: string, method: string, path: string, body?: unknown, headers?: Record<string, string>) => {
      const res = await stack.request(key, method, path, body, headers);
      expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
      return res.body as Record<string, unknown> & { id: string };
    };
    f.jobA = (await ok(keys.a, 'POST', '/v1/jobs', { type: 'complete', input: { messages: msg } })).id;
    f.cancelledJobA = (await ok(keys.a, 'POST', '/v1/jobs', { type: 'complete', input: { messages: msg }, webhook: { url: PUBLIC_HOOK } })).id;
    await ok(keys.a, 'DELETE', `/v1/jobs/${f.cancelledJobA}`);
    const deliveries = await ok(keys.a, 'GET', `/v1/webhook-deliveries?jobId=${f.cancelledJobA}`);
    f.deliveryA = (deliveries.data as { id: string }[])[0]!.id;
    const upload = await ok(keys.a, 'POST', '/v1/uploads', wav, { 'content-type': 'audio/wav' });
    f.uploadA = upload.id;
    f.uploadKeyA = `${tenantPrefix(f.tenantA)}uploads/${upload.id}`;
    f.endpointA = (await ok(keys.a, 'POST', '/v1/webhooks', { url: PUBLIC_HOOK })).id;
    f.endpointB = (await ok(keys.b, 'POST', '/v1/webhooks', { url: PUBLIC_HOOK })).id;
    const form = multipart([{ name: 'purpose', value: 'batch' }, { name: 'file', value: jsonl, filename: 'in.jsonl' }]);
    f.fileA = (await ok(keys.a, 'POST', '/v1/files', form.body, form.headers)).id;
    f.batchA = (await ok(keys.a, 'POST', '/v1/batches', { input_file_id: f.fileA, endpoint: '/v1/chat/completions' })).id;
    f.dropRuleA = (await ok(keys.a, 'POST', '/v1/drop-rules', { prefix: `tenants/${f.tenantA}/in/`, outputPrefix: `tenants/${f.tenantA}/out/`, type: 'transcribe' })).id;
    await ok(keys.b, 'POST', '/v1/jobs', { type: 'complete', input: { messages: msg } }, { 'idempotency-key': 'idem-b' });
  });

  afterAll(async () => {
    await Promise.all((queues ?? []).map((q) => q.close()));
    await stack?.close();
    redis?.disconnect();
    objects?.close();
    if (stack) await cleanupPrefix(stack.config);
  });

  const listAll = async (tenant: string) => {
    const found: string[] = [];
    let token: string | undefined;
    do {
      const page = await objects.list({ prefix: tenantPrefix(tenant) }, token);
      found.push(...page.objects.map((o) => `${o.key}:${o.size}`));
      token = page.next;
    } while (token);
    return found.sort();
  };

  /** Every queue's counts, both tenants' job indexes and bucket folders. */
  const snapshot = async () => ({
    queues: Object.fromEntries(await Promise.all(queues.map(async (q) => [q.name, await q.getJobCounts()] as const))),
    index: {
      a: await redis.zcard(`${stack.config.redis.prefix}:tenant:${f.tenantA}:jobs`),
      b: await redis.zcard(`${stack.config.redis.prefix}:tenant:${f.tenantB}:jobs`),
    },
    objects: { a: await listAll(f.tenantA), b: await listAll(f.tenantB) },
  });

  it('has a case for every kind of surface', () => {
    expect(cases.length).toBeGreaterThanOrEqual(50);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it.each(cases)('$name → $status, in its envelope, nothing queued or stored', async (c) => {
    const path = typeof c.path === 'function' ? c.path(f) : c.path;
    const body = c.bodyOf ? c.bodyOf(f) : c.body;
    const key = c.as === 'none' ? null : c.as === 'bogus' ? `vq_${'0'.repeat(40)}` : keys[c.as ?? 'b'];
    const before = await snapshot();
    const res = await stack.request(key, c.method ?? 'POST', path, body, c.headers);
    expect(res.status, JSON.stringify(res.body)).toBe(c.status);
    expect(Object.keys(res.body)).toEqual(['error']);
    // Authentication runs before any router, so a 401 is voxq's envelope everywhere.
    const openAi = OPENAI_PATH.test(path) && c.status !== 401;
    expect(Object.keys(res.body.error!)).toEqual(openAi ? ['message', 'type', 'param', 'code'] : ['type', 'code', 'message', 'param']);
    expect(res.body.error).toEqual({ type: expect.any(String), code: expect.any(String), message: expect.any(String), param: expect.toSatisfy((p) => p === null || typeof p === 'string') });
    if (c.code) expect(res.body.error!.code).toBe(c.code);
    if (c.param) expect(res.body.error!.param).toBe(c.param);
    if (c.message) expect(res.body.error!.message).toMatch(c.message);
    if (c.status === 404) expect(res.body.error!.type).toBe('not_found_error');
    expect(await snapshot()).toEqual(before);
  });

  it("leaves tenant A's things as they were", async () => {
    expect((await stack.request(keys.a, 'GET', `/v1/jobs/${f.jobA}`)).body.status).toBe('queued');
    expect((await stack.request(keys.a, 'GET', `/v1/uploads/${f.uploadA}`)).status).toBe(200);
    expect((await stack.request(keys.a, 'GET', `/v1/webhooks/${f.endpointA}`)).body.enabled).toBe(true);
    expect((await stack.request(keys.a, 'GET', `/v1/files/${f.fileA}`)).status).toBe(200);
    expect((await stack.request(keys.a, 'GET', `/v1/batches/${f.batchA}`)).body.status).not.toBe('cancelling');
    expect((await stack.request(keys.a, 'GET', `/v1/drop-rules/${f.dropRuleA}`)).status).toBe(200);
  });

  it("ignores an S3 event naming another tenant's object", async () => {
    const before = await snapshot();
    const res = await stack.request(keys.b, 'POST', '/v1/s3-events', {
      Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: f.bucket }, object: { key: encodeURIComponent(`tenants/${f.tenantA}/in/a.wav`), size: 10 } } }],
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ received: 1, submitted: 0, ignored: 1 });
    expect(await snapshot()).toEqual(before);
  });

  it('answers a request whose headers are too large with 431 from Node', async () => {
    const before = await snapshot();
    const res = await fetch(`${stack.url}/v1/jobs`, { headers: { authorization: `Bearer ${keys.b}`, 'x-pad': 'x'.repeat(64 * 1024) } });
    expect(res.status).toBe(431);
    await res.arrayBuffer();
    expect(await snapshot()).toEqual(before);
  });
});
