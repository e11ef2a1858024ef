import {
  createWebhookEndpointSchema,
  listWebhookDeliveriesQuerySchema,
  presignUploadRequestSchema,
  updateWebhookEndpointSchema,
  uploadViewSchema,
  webhookDeliveryDetailSchema,
  webhookEndpointViewSchema,
  webhookRedeliveryViewSchema,
} from '@voxq/contracts';
import { dropRuleRequestSchema, dropRuleSchema, s3EventSchema } from '@voxq/drops';
import { binaryAudio } from './common-docs';
import { deletedSchema, dropRuleListSchema, s3EventReceiptSchema, webhookDeliveryListSchema, webhookEndpointListSchema } from './response-schemas';
import { component, type RouteDoc } from './route-doc';

const Endpoint = component('WebhookEndpoint', webhookEndpointViewSchema);
const Upload = component('Upload', uploadViewSchema);
const DropRule = component('DropRule', dropRuleSchema);
const Deleted = component('Deleted', deletedSchema);

const json = (schema: ReturnType<typeof component>) => ({ 'application/json': { schema } });
const byId = (what: string) => ({ id: `The ${what} id.` });

const webhooksDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/webhooks',
    operationId: 'createWebhookEndpoint',
    tag: 'Webhooks',
    summary: 'Add a webhook endpoint',
    description:
      'It receives every event type unless `events` narrows it. The answer carries its `secret`, shown only here and on rotation. ' +
      "Takes the Speko SDK's `WebhookEndpointInput`: `name` (default: the URL's host), `headers` sent with each delivery (never the signature's), `timeoutMs`, " +
      "`signingSecretSource: 'custom'` with a Standard Webhooks `signingSecret` (write-only) to sign with your own secret. " +
      "Its fields voxq has no use for are accepted only with their neutral value (`allAgents: true`, empty `agentIds`, `filterTags`, `authHeaders`, `extractionFields`, `contentMode: 'full'`); anything else is a 400 naming the field.",
    auth: true,
    envelope: 'voxq',
    body: {
      required: true,
      content: {
        'application/json': {
          schema: component('CreateWebhookEndpoint', createWebhookEndpointSchema),
          examples: {
            jobs: { summary: 'Job events only', value: { url: 'https://example.com/hooks', events: ['job.completed', 'job.failed'] } },
            speko: {
              summary: 'As the Speko SDK sends it',
              value: {
                name: 'Orders',
                url: 'https://example.com/hooks',
                events: ['job.completed'],
                headers: { 'x-team': 'orders' },
                timeoutMs: 5000,
                signingSecretSource: 'workspace',
              },
            },
          },
        },
      },
    },
    responses: { 201: { description: 'The endpoint, with its secret.', content: json(Endpoint), headers: { Location: '`/v1/webhooks/{id}`' } } },
    errors: [400, 409, 415],
  },
  {
    method: 'get',
    path: '/v1/webhooks',
    operationId: 'listWebhookEndpoints',
    tag: 'Webhooks',
    summary: "The tenant's webhook endpoints",
    auth: true,
    envelope: 'voxq',
    responses: { 200: { description: 'The endpoints.', content: json(component('WebhookEndpointList', webhookEndpointListSchema)) } },
    errors: [],
  },
  {
    method: 'get',
    path: '/v1/webhooks/{id}',
    operationId: 'getWebhookEndpoint',
    tag: 'Webhooks',
    summary: 'A webhook endpoint',
    auth: true,
    envelope: 'voxq',
    pathParams: byId('endpoint'),
    responses: { 200: { description: 'The endpoint (without its secret).', content: json(Endpoint) } },
    errors: [404],
  },
  {
    method: 'patch',
    path: '/v1/webhooks/{id}',
    operationId: 'updateWebhookEndpoint',
    tag: 'Webhooks',
    summary: 'Change a webhook endpoint',
    auth: true,
    envelope: 'voxq',
    pathParams: byId('endpoint'),
    body: { required: true, content: { 'application/json': { schema: component('UpdateWebhookEndpoint', updateWebhookEndpointSchema) } } },
    responses: { 200: { description: 'The endpoint.', content: json(Endpoint) } },
    errors: [400, 404, 415],
  },
  {
    method: 'delete',
    path: '/v1/webhooks/{id}',
    operationId: 'deleteWebhookEndpoint',
    tag: 'Webhooks',
    summary: 'Delete a webhook endpoint (its pending deliveries are cancelled)',
    auth: true,
    envelope: 'voxq',
    pathParams: byId('endpoint'),
    responses: { 200: { description: 'Deleted.', content: json(Deleted) } },
    errors: [404],
  },
  {
    method: 'post',
    path: '/v1/webhooks/{id}/rotate-secret',
    operationId: 'rotateWebhookSecret',
    tag: 'Webhooks',
    summary: "Replace an endpoint's signing secret",
    description: 'The new secret is in this answer only; the old one keeps signing for `WEBHOOK_SECRET_ROTATION_GRACE`.',
    auth: true,
    envelope: 'voxq',
    pathParams: byId('endpoint'),
    responses: { 200: { description: 'The endpoint, with its new secret.', content: json(Endpoint) } },
    errors: [404],
  },
  {
    method: 'get',
    path: '/v1/webhook-deliveries',
    operationId: 'listWebhookDeliveries',
    tag: 'Webhooks',
    summary: "Deliveries to endpoints and to jobs' own URLs, newest first",
    description:
      "`status` and `event` (the Speko SDK's names) filter like `state` and the event type; `from`/`to` bound when deliveries were recorded. A filtered page may come back short with a `nextCursor` to continue from.",
    auth: true,
    envelope: 'voxq',
    query: listWebhookDeliveriesQuerySchema,
    responses: { 200: { description: 'A page of deliveries.', content: json(component('WebhookDeliveryList', webhookDeliveryListSchema)) } },
    errors: [400],
  },
  {
    method: 'get',
    path: '/v1/webhook-deliveries/{id}',
    operationId: 'getWebhookDelivery',
    tag: 'Webhooks',
    summary: 'A delivery, with its event body and its attempts',
    description:
      "`attempts` is here the list of attempts (the Speko SDK's `WebhookDeliveryDetail`); `attemptCount` is the current series' count, `attempts` in the listing.",
    auth: true,
    envelope: 'voxq',
    pathParams: byId('delivery'),
    responses: { 200: { description: 'The delivery.', content: json(component('WebhookDeliveryDetail', webhookDeliveryDetailSchema)) } },
    errors: [404],
  },
  {
    method: 'post',
    path: '/v1/webhook-deliveries/{id}/redeliver',
    operationId: 'redeliverWebhook',
    tag: 'Webhooks',
    summary: 'Send the same event (same `webhook-id`) again',
    auth: true,
    envelope: 'voxq',
    pathParams: byId('delivery'),
    description:
      "Waits for the new series' first attempt (at most the endpoint's timeout and 5 s) and answers its outcome: `delivered`, `httpStatus`, `error` (what the Speko SDK reads).",
    responses: {
      200: { description: 'The delivery after its first new attempt.', content: json(component('WebhookRedelivery', webhookRedeliveryViewSchema)) },
      202: {
        description: 'The first new attempt had not finished within the wait: `delivered: false`, the series goes on.',
        content: json(component('WebhookRedelivery', webhookRedeliveryViewSchema)),
      },
    },
    errors: [404, 409],
  },
];

const uploadsDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/uploads',
    operationId: 'createUpload',
    tag: 'Uploads',
    summary: 'Upload audio, streamed to S3',
    description: 'Jobs then name it by `uploadId`. Past `UPLOAD_MAX_BYTES` the upload is aborted and nothing is kept.',
    auth: true,
    envelope: 'voxq',
    headers: [{ name: 'X-Voxq-Filename', description: 'The file name, for your records.', schema: { type: 'string', maxLength: 255 } }],
    body: {
      required: true,
      content: {
        'audio/*': { schema: binaryAudio },
        'video/*': { schema: binaryAudio },
        'application/ogg': { schema: binaryAudio },
        'application/octet-stream': { schema: binaryAudio },
      },
    },
    responses: { 201: { description: 'The upload.', content: json(Upload), headers: { Location: '`/v1/uploads/{id}`' } } },
    errors: [400, 413, 415, 503],
  },
  {
    method: 'post',
    path: '/v1/uploads:presign',
    operationId: 'presignUpload',
    tag: 'Uploads',
    summary: 'A presigned PUT straight to S3',
    description: 'PUT the bytes to `upload.url` with `upload.headers`, then `POST /v1/uploads/{id}/complete`.',
    auth: true,
    envelope: 'voxq',
    body: {
      required: true,
      content: {
        'application/json': {
          schema: component('PresignUploadRequest', presignUploadRequestSchema),
          examples: { wav: { summary: 'A WAV file', value: { contentType: 'audio/wav', filename: 'call.wav' } } },
        },
      },
    },
    responses: { 201: { description: 'The pending upload with where to PUT it.', content: json(Upload), headers: { Location: '`/v1/uploads/{id}`' } } },
    errors: [400, 415],
  },
  {
    method: 'post',
    path: '/v1/uploads/{id}/complete',
    operationId: 'completeUpload',
    tag: 'Uploads',
    summary: 'Mark a presigned upload as put',
    auth: true,
    envelope: 'voxq',
    pathParams: byId('upload'),
    responses: { 200: { description: 'The completed upload.', content: json(Upload) } },
    errors: [400, 404, 409],
  },
  {
    method: 'get',
    path: '/v1/uploads/{id}',
    operationId: 'getUpload',
    tag: 'Uploads',
    summary: 'An upload',
    auth: true,
    envelope: 'voxq',
    pathParams: byId('upload'),
    responses: { 200: { description: 'The upload.', content: json(Upload) } },
    errors: [404],
  },
  {
    method: 'delete',
    path: '/v1/uploads/{id}',
    operationId: 'deleteUpload',
    tag: 'Uploads',
    summary: 'Delete an upload and its object',
    auth: true,
    envelope: 'voxq',
    pathParams: byId('upload'),
    responses: { 200: { description: 'Deleted.', content: json(Deleted) } },
    errors: [404],
  },
];

const dropsDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/drop-rules',
    operationId: 'createDropRule',
    tag: 'Bucket drops',
    summary: "Watch a folder of the tenant's: each new object becomes a job",
    description: "`prefix` and `outputPrefix` must lie in the tenant's `tenants/<tenant>/` and not overlap.",
    auth: true,
    envelope: 'voxq',
    body: {
      required: true,
      content: {
        'application/json': {
          schema: component('DropRuleRequest', dropRuleRequestSchema),
          examples: {
            inbox: {
              summary: 'Transcribe what lands in inbox/',
              value: { prefix: 'tenants/demo/inbox/', outputPrefix: 'tenants/demo/out/', type: 'transcribe', intent: { language: 'en-US' } },
            },
          },
        },
      },
    },
    responses: { 201: { description: 'The rule.', content: json(DropRule), headers: { Location: '`/v1/drop-rules/{id}`' } } },
    errors: [400, 415],
  },
  {
    method: 'get',
    path: '/v1/drop-rules',
    operationId: 'listDropRules',
    tag: 'Bucket drops',
    summary: "The tenant's drop rules",
    auth: true,
    envelope: 'voxq',
    responses: { 200: { description: 'The rules.', content: json(component('DropRuleList', dropRuleListSchema)) } },
    errors: [],
  },
  {
    method: 'get',
    path: '/v1/drop-rules/{id}',
    operationId: 'getDropRule',
    tag: 'Bucket drops',
    summary: 'A drop rule',
    auth: true,
    envelope: 'voxq',
    pathParams: byId('drop rule'),
    responses: { 200: { description: 'The rule.', content: json(DropRule) } },
    errors: [404],
  },
  {
    method: 'delete',
    path: '/v1/drop-rules/{id}',
    operationId: 'deleteDropRule',
    tag: 'Bucket drops',
    summary: 'Stop watching a folder',
    auth: true,
    envelope: 'voxq',
    pathParams: byId('drop rule'),
    responses: { 200: { description: 'Deleted.', content: json(Deleted) } },
    errors: [404],
  },
  {
    method: 'post',
    path: '/v1/s3-events',
    operationId: 'receiveS3Events',
    tag: 'Bucket drops',
    summary: 'An S3 event notification (MinIO, AWS)',
    description: 'Each object version makes at most one job, however often it is notified or polled.',
    auth: true,
    envelope: 'voxq',
    body: { required: true, content: { 'application/json': { schema: component('S3Event', s3EventSchema) } } },
    responses: { 200: { description: 'What became of the records.', content: json(component('S3EventReceipt', s3EventReceiptSchema)) } },
    errors: [400, 415],
  },
];

export const resourcesDocs: RouteDoc[] = [...webhooksDocs, ...uploadsDocs, ...dropsDocs];
