import type { Fixtures } from './bad-input-surfaces.fixture';
import { msg, multipart, wav } from './bad-input-surfaces.fixture';

/** The valid requests `openapi-answers.int.spec.ts` sends, one or more per operation. */

export interface Call {
  method: string;
  path: (f: Fixtures & Extra) => string;
  body?: (f: Fixtures & Extra) => unknown;
  headers?: Record<string, string>;
  as?: 'a' | 'none';
}

export const json = (body: unknown) => () => body;

const audioForm = multipart([
  { name: 'model', value: 'whisper-1' },
  { name: 'file', value: wav, filename: 'a.wav', type: 'audio/wav' },
]);

/** Valid requests that need the worker to run their job: sent while it runs, checked below. */
export const RUN_CALLS: Call[] = [
  { method: 'POST', path: () => '/v1/transcribe', body: () => wav, headers: { 'content-type': 'audio/wav' } },
  { method: 'POST', path: () => '/v1/synthesize', body: json({ text: 'hi' }) },
  { method: 'POST', path: () => '/v1/complete', body: json({ messages: msg }) },
  { method: 'POST', path: () => '/v1/chat/completions', body: json({ model: 'gpt-4o-mini', messages: msg }) },
  { method: 'POST', path: () => '/v1/audio/speech', body: json({ model: 'tts-1', input: 'hi', voice: 'alloy' }) },
  { method: 'POST', path: () => '/v1/audio/transcriptions', body: () => audioForm.body, headers: audioForm.headers },
  { method: 'POST', path: () => '/v1/audio/translations', body: () => audioForm.body, headers: audioForm.headers },
  { method: 'POST', path: () => '/v1/embeddings', body: json({ model: 'text-embedding-3-small', input: 'hi' }) },
  { method: 'POST', path: () => '/v1/images/generations', body: json({ model: 'gpt-image-1', prompt: 'hi' }) },
];

/** What the success calls need beyond the bad-input fixtures. */
export interface Extra {
  completedJobA: string;
  /** A completed image job (one picture). */
  imageJobA: string;
  /** A transcribe job whose audio voxq stored (its worker never ran it). */
  transcribeJobA: string;
  scoresRunA: string;
  modelId: string;
  /** The provider serving it (`owned_by`): `/v1/models/{owner}/{id}` names it with a slash. */
  modelOwner: string;
  pendingUploadA: string;
  secretName: string;
  /** A realtime session opened and closed in the setup (a WebSocket: fetch cannot open one). */
  realtimeSessionA: string;
}

/** One valid request per operation (a delete last on its resource, so the reads before it find it). */
export const SUCCESS_CALLS: Call[] = [
  { method: 'GET', path: () => '/healthz', as: 'none' },
  { method: 'GET', path: () => '/readyz', as: 'none' },
  { method: 'GET', path: () => '/metrics', as: 'none' },
  { method: 'GET', path: () => '/openapi.json', as: 'none' },
  { method: 'GET', path: () => '/docs', as: 'none' },
  { method: 'GET', path: () => '/v1/usage' },
  { method: 'GET', path: () => '/v1/providers' },
  { method: 'GET', path: () => '/v1/models' },
  { method: 'GET', path: () => '/v1/models?recommended_for=llm' },
  { method: 'GET', path: (f) => `/v1/models/${f.modelId}` },
  { method: 'GET', path: (f) => `/v1/models/${f.modelOwner}/${f.modelId}` },
  { method: 'GET', path: (f) => `/v1/scores-runs/${f.scoresRunA}` },
  { method: 'GET', path: (f) => `/v1/realtime/sessions/${f.realtimeSessionA}` },
  { method: 'POST', path: () => '/v1/jobs', body: json({ type: 'complete', input: { messages: msg } }) },
  { method: 'POST', path: () => '/v1/jobs:batch', body: json({ jobs: [{ type: 'complete', input: { messages: msg } }] }) },
  { method: 'GET', path: () => '/v1/jobs' },
  { method: 'GET', path: (f) => `/v1/jobs/${f.completedJobA}` },
  { method: 'GET', path: (f) => `/v1/jobs/${f.completedJobA}?include=input` },
  { method: 'GET', path: () => '/v1/jobs?include=input' },
  { method: 'GET', path: (f) => `/v1/jobs/${f.completedJobA}/result` },
  { method: 'GET', path: (f) => `/v1/jobs/${f.transcribeJobA}/input/audio` },
  { method: 'GET', path: (f) => `/v1/jobs/${f.imageJobA}/result/images/0` },
  { method: 'GET', path: (f) => `/v1/jobs/${f.completedJobA}/events` },
  { method: 'GET', path: (f) => `/v1/jobs/${f.completedJobA}/deliveries` },
  { method: 'DELETE', path: (f) => `/v1/jobs/${f.jobA}` },
  { method: 'GET', path: () => '/v1/webhooks' },
  { method: 'GET', path: (f) => `/v1/webhooks/${f.endpointA}` },
  { method: 'PATCH', path: (f) => `/v1/webhooks/${f.endpointA}`, body: json({ description: 'renamed' }) },
  { method: 'POST', path: (f) => `/v1/webhooks/${f.endpointA}/rotate-secret` },
  { method: 'GET', path: () => '/v1/webhook-deliveries' },
  { method: 'GET', path: (f) => `/v1/webhook-deliveries/${f.deliveryA}` },
  { method: 'DELETE', path: (f) => `/v1/webhooks/${f.endpointA}` },
  { method: 'POST', path: () => '/v1/uploads:presign', body: json({ contentType: 'audio/wav', filename: 'call.wav' }) },
  { method: 'POST', path: (f) => `/v1/uploads/${f.pendingUploadA}/complete` },
  { method: 'GET', path: (f) => `/v1/uploads/${f.uploadA}` },
  { method: 'DELETE', path: (f) => `/v1/uploads/${f.uploadA}` },
  { method: 'GET', path: () => '/v1/drop-rules' },
  { method: 'GET', path: (f) => `/v1/drop-rules/${f.dropRuleA}` },
  { method: 'DELETE', path: (f) => `/v1/drop-rules/${f.dropRuleA}` },
  { method: 'POST', path: () => '/v1/s3-events', body: json({ Records: [] }) },
  { method: 'POST', path: () => '/v1/secrets', body: json({ name: 'crm.other', value: 'v' }) },
  { method: 'GET', path: () => '/v1/secrets' },
  { method: 'GET', path: (f) => `/v1/secrets/${f.secretName}` },
  { method: 'PUT', path: (f) => `/v1/secrets/${f.secretName}`, body: json({ value: 'rotated' }) },
  { method: 'DELETE', path: (f) => `/v1/secrets/${f.secretName}` },
  { method: 'GET', path: () => '/v1/files' },
  { method: 'GET', path: (f) => `/v1/files/${f.fileA}` },
  { method: 'GET', path: (f) => `/v1/files/${f.fileA}/content` },
  { method: 'GET', path: () => '/v1/batches' },
  { method: 'GET', path: (f) => `/v1/batches/${f.batchA}` },
  { method: 'POST', path: (f) => `/v1/batches/${f.batchA}/cancel` },
  { method: 'DELETE', path: (f) => `/v1/files/${f.fileA}` },
];

/**
 * Operations whose success is no HTTP answer: a WebSocket handshake's is `101 Switching
 * Protocols`, which fetch cannot ask for (`realtime.int.spec.ts` drives it with a ws client).
 */
export const HANDSHAKE_OPERATIONS = ['openRealtimeSession'];

/** GETs whose answer does not change between two requests here (`/metrics` does): a matching `If-None-Match` must get `304`. */
export const CONDITIONAL_PATHS = ['/v1/providers', '/v1/models', '/v1/webhooks', '/v1/jobs'];

/** `GET /v1/jobs/{completedJobA}`: a call's path with the fixtures it uses named. */
export const nameOf = (c: Call) => `${c.method} ${c.path(new Proxy({} as Fixtures & Extra, { get: (_, field) => `{${String(field)}}` }))}`;
