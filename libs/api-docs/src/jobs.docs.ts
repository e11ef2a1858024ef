import { getJobQuerySchema, jobBatchRequestSchema, jobRequestSchema, jobViewSchema, listJobsQuerySchema } from '@voxq/contracts';
import { binaryAudio, eventStream, idempotencyKeyHeader, jsonHeaderParam, lastEventIdHeader } from './common-docs';
import { jobBatchResponseSchema, jobListSchema, webhookAttemptListSchema } from './response-schemas';
import { component, type RouteDoc } from './route-doc';

export const JobRequest = component('JobRequest', jobRequestSchema);
export const Job = component('Job', jobViewSchema);

const jobId = { id: 'The job id (`job_` and 28 hex digits).' };
const binaryImage = { type: 'string', contentMediaType: 'image/*', description: 'The picture bytes (not base64).' } as const;

export const jobRequestExamples = {
  synthesize: {
    summary: 'Text to speech, with a webhook',
    value: { type: 'synthesize', input: { text: 'Hello from voxq.' }, intent: { language: 'en-US' }, webhook: { url: 'https://example.com/hooks' } },
  },
  synthesizeStyled: {
    summary: 'Text to speech on a named model, with a speaking style, read as spoken',
    value: {
      type: 'synthesize',
      input: { text: 'Dr. Smith paid **$12.50**.', model: 'gpt-4o-mini-tts', instructions: 'Warm and unhurried.', spokenForm: true },
    },
  },
  transcribe: {
    summary: 'Speech to text from an upload',
    value: { type: 'transcribe', input: { audio: { uploadId: 'up_0192f3a4b5c6d7e8f9a0b1c2d3e4' } }, intent: { language: 'en' } },
  },
  complete: {
    summary: 'An LLM chat completion',
    value: { type: 'complete', input: { messages: [{ role: 'user', content: 'Hi!' }], systemPrompt: 'You are concise.' }, metadata: { order: '42' } },
  },
  embed: {
    summary: 'Embeddings of two texts, shortened, with a webhook',
    value: { type: 'embed', input: { input: ['first text', 'second text'], dimensions: 512 }, webhook: { url: 'https://example.com/hooks' } },
  },
  image: {
    summary: 'Two images on a named model, with a webhook',
    value: {
      type: 'image',
      input: { prompt: 'A watercolour lighthouse at dawn', n: 2, size: '1024x1024', quality: 'low' },
      constraints: { models: { image: 'gpt-image-1' } },
      webhook: { url: 'https://example.com/hooks' },
    },
  },
};

export const jobsDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/jobs',
    operationId: 'createJob',
    tag: 'Jobs',
    summary: 'Submit a job',
    description:
      'A JSON job request, or (transcribe only) the audio itself as the body with the job options in `X-Voxq-*` headers. Answers `202` with the queued job.',
    auth: true,
    envelope: 'voxq',
    headers: [
      idempotencyKeyHeader,
      jsonHeaderParam('X-Voxq-Intent', 'Binary body only: the routing intent'),
      jsonHeaderParam('X-Voxq-Constraints', 'Binary body only: the constraints'),
      jsonHeaderParam('X-Voxq-Metadata', 'Binary body only: the metadata'),
      { name: 'X-Voxq-Webhook-Url', description: 'Binary body only: where `job.*` events go.', schema: { type: 'string', format: 'uri' } },
    ],
    body: {
      required: true,
      content: {
        'application/json': { schema: JobRequest, examples: jobRequestExamples },
        'audio/*': { schema: binaryAudio },
        'application/octet-stream': { schema: binaryAudio },
      },
    },
    responses: {
      202: {
        description: 'The queued job (or, for a replayed `Idempotency-Key`, the job it made).',
        content: { 'application/json': { schema: Job } },
        headers: { Location: '`/v1/jobs/{id}`', 'Idempotent-Replayed': '`true` when the `Idempotency-Key` was seen before.' },
      },
    },
    errors: [400, 402, 404, 409, 413, 415, 503],
  },
  {
    method: 'post',
    path: '/v1/jobs:batch',
    operationId: 'createJobs',
    tag: 'Jobs',
    summary: 'Submit up to 1,000 jobs',
    description: "Validated all or nothing: the error's `param` names the job (`jobs.3.input.messages`). An `Idempotency-Key` covers each job.",
    auth: true,
    envelope: 'voxq',
    headers: [idempotencyKeyHeader],
    body: {
      required: true,
      description: 'Each item of `jobs` is a job request (`JobRequest`).',
      content: {
        'application/json': {
          schema: component('JobBatchRequest', jobBatchRequestSchema),
          examples: { two: { summary: 'Two jobs', value: { jobs: [jobRequestExamples.synthesize.value, jobRequestExamples.complete.value] } } },
        },
      },
    },
    responses: {
      202: { description: 'The queued jobs, in order.', content: { 'application/json': { schema: component('JobBatchResponse', jobBatchResponseSchema) } } },
    },
    errors: [400, 402, 404, 409, 413, 415, 503],
  },
  {
    method: 'get',
    path: '/v1/jobs',
    operationId: 'listJobs',
    tag: 'Jobs',
    summary: "List the tenant's jobs, newest first",
    description:
      "`include=input` adds each job's `input` (as the job's own read does); unknown `include` names are `400`. A page filtered by `status` may come back short (even empty) with a `nextCursor` to continue from: the filter skips the tenant's other jobs as it reads.",
    auth: true,
    envelope: 'voxq',
    query: listJobsQuerySchema,
    responses: { 200: { description: 'A page of jobs.', content: { 'application/json': { schema: component('JobList', jobListSchema) } } } },
    errors: [400],
  },
  {
    method: 'get',
    path: '/v1/jobs/{id}',
    operationId: 'getJob',
    tag: 'Jobs',
    summary: 'A job: status, attempts, result or error',
    description:
      "`include=input` adds the job's `input` as it was queued (after validation and defaults; a transcribe job's audio as the object voxq stored), from Redis or the history tier alike: `null` when it was not kept (larger than 256 KiB as JSON, or the job is older than kept inputs). Webhook events never carry it.",
    auth: true,
    envelope: 'voxq',
    pathParams: jobId,
    query: getJobQuerySchema,
    responses: { 200: { description: 'The job.', content: { 'application/json': { schema: Job } } } },
    errors: [400, 404],
  },
  {
    method: 'delete',
    path: '/v1/jobs/{id}',
    operationId: 'cancelJob',
    tag: 'Jobs',
    summary: 'Cancel a queued or running job',
    description: 'A running provider call is aborted. A finished job is `409`.',
    auth: true,
    envelope: 'voxq',
    pathParams: jobId,
    responses: { 200: { description: 'The cancelled job.', content: { 'application/json': { schema: Job } } } },
    errors: [404, 409],
  },
  {
    method: 'get',
    path: '/v1/jobs/{id}/result',
    operationId: 'getJobResult',
    tag: 'Jobs',
    summary: "A completed job's result",
    description: 'Synthesize: the audio bytes, streamed from S3 with their `Content-Type`. Other types: the result JSON. `409` until the job is completed.',
    auth: true,
    envelope: 'voxq',
    pathParams: jobId,
    responses: {
      200: {
        description: 'The result.',
        content: {
          'application/json': { schema: { oneOf: [{ $ref: '#/components/schemas/TranscribeResult' }, { $ref: '#/components/schemas/CompleteResult' }] } },
          'audio/*': { schema: binaryAudio },
        },
      },
    },
    errors: [404, 409],
  },
  {
    method: 'get',
    path: '/v1/jobs/{id}/input/audio',
    operationId: 'getJobInputAudio',
    tag: 'Jobs',
    summary: "A transcribe job's audio",
    description:
      "The audio a transcribe job was given, as voxq stored it (an inline body, an upload, a fetched URL), streamed from S3 with its `Content-Type`. `404` for other job types, for an `s3://` reference outside voxq's bucket, and once the bucket's lifecycle rule has expired the object.",
    auth: true,
    envelope: 'voxq',
    pathParams: jobId,
    responses: { 200: { description: 'The audio.', content: { 'audio/*': { schema: binaryAudio }, 'application/octet-stream': { schema: binaryAudio } } } },
    errors: [404],
  },
  {
    method: 'get',
    path: '/v1/jobs/{id}/result/images/{index}',
    operationId: 'getJobResultImage',
    tag: 'Jobs',
    summary: 'One picture of an image job',
    description:
      "A completed image job's picture number `index` (from 0, in the result's `images` order), streamed from S3 with its `Content-Type`: a download that needs the key, where the result's `presignedUrl` works for anyone holding it until it expires. `400` for a job of another type or an index that is not a number from 0 to 9, `409` while the job is not completed, `404` for an index past its pictures.",
    auth: true,
    envelope: 'voxq',
    pathParams: { ...jobId, index: 'Which picture, from 0.' },
    responses: { 200: { description: 'The picture.', content: { 'image/*': { schema: binaryImage } } } },
    errors: [400, 404, 409],
  },
  {
    method: 'get',
    path: '/v1/jobs/{id}/events',
    operationId: 'streamJobEvents',
    tag: 'Jobs',
    summary: "The job's life as server-sent events",
    description:
      'Opens with `job` (the job now), then what the workers publish (`started`, `provider_attempt`, `attempt_failed`, `waiting`, `tool_calls`), and ends with `completed`, `failed` or `cancelled` carrying the finished job. A finished job gets `job` and its final event at once. A streamed job (`input.stream`) also sends its reply as it is made: `reply` (provider, model, hop), `delta` (`content`, `toolCalls` pieces) and `delta_reset` (what was sent is void: the provider failed after it), each with an `id:` to resume after with `Last-Event-ID` (docs/streaming.md).',
    auth: true,
    envelope: 'voxq',
    pathParams: jobId,
    headers: [lastEventIdHeader],
    responses: { 200: { description: 'The event stream; each `data:` line is JSON.', content: { 'text/event-stream': { schema: eventStream } } } },
    conditional: false,
    errors: [400, 404],
  },
  {
    method: 'get',
    path: '/v1/jobs/{id}/deliveries',
    operationId: 'listJobDeliveryAttempts',
    tag: 'Webhooks',
    summary: "Every HTTP attempt at the job's webhooks, newest first",
    auth: true,
    envelope: 'voxq',
    pathParams: jobId,
    responses: {
      200: { description: 'The attempts.', content: { 'application/json': { schema: component('WebhookAttemptList', webhookAttemptListSchema) } } },
    },
    errors: [404],
  },
];
