import { z } from 'zod';
import { batchObjectSchema } from '@voxq/contracts';
import { fileBatchSchema, inlineBatchSchema, listBatchesQuerySchema, listFilesQuerySchema } from '@voxq/batches';
import { batchListSchema, deletedSchema, fileListSchema, fileObjectSchema } from './response-schemas';
import { component, type RouteDoc } from './route-doc';

const Batch = component('Batch', batchObjectSchema);
const FileObject = component('File', fileObjectSchema);
const fileId = { id: 'The file id.' };
const batchId = { id: 'The batch id.' };

/** Either form of `POST /v1/batches`: the route picks the inline one when the body has `jobs`. */
const createBatchSchema = z.union([fileBatchSchema, inlineBatchSchema]);

export const batchExamples = {
  file: {
    summary: "OpenAI's form: an uploaded JSONL file",
    value: { input_file_id: 'file-abc123', endpoint: '/v1/chat/completions', completion_window: '24h' },
  },
  inline: {
    summary: "voxq's inline form: the job requests themselves",
    value: { jobs: [{ custom_id: 'q1', type: 'complete', input: { messages: [{ role: 'user', content: 'Hello' }] } }], completion_window: '1h' },
  },
};

const uploadForm = {
  type: 'object',
  required: ['file', 'purpose'],
  properties: {
    file: { type: 'string', contentMediaType: 'application/jsonl', description: "The JSONL requests, one per line, in the Batch API's format." },
    purpose: { type: 'string', const: 'batch' },
    'expires_after[anchor]': { type: 'string', const: 'created_at' },
    'expires_after[seconds]': { type: 'integer', minimum: 3600, maximum: 2_592_000 },
  },
};

export const batchesDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/files',
    operationId: 'createFile',
    tag: 'Batches (OpenAI)',
    summary: 'Upload a batch input file (`purpose=batch`)',
    auth: true,
    envelope: 'openai',
    body: { required: true, content: { 'multipart/form-data': { schema: uploadForm } } },
    responses: { 200: { description: 'The file.', content: { 'application/json': { schema: FileObject } } } },
    errors: [400, 413, 415, 503],
  },
  {
    method: 'get',
    path: '/v1/files',
    operationId: 'listFiles',
    tag: 'Batches (OpenAI)',
    summary: "The tenant's files (batch inputs, outputs and errors), newest first by default",
    description:
      "OpenAI's list: `after` is the last id of the previous page (`has_more` says whether there is one), `order` `asc` or `desc` by creation, `purpose` keeps one purpose (`batch`, `batch_output`). Only the calling key's tenant's files are listed.",
    auth: true,
    envelope: 'openai',
    query: listFilesQuerySchema,
    responses: { 200: { description: 'A page of files.', content: { 'application/json': { schema: component('FileList', fileListSchema) } } } },
    errors: [400],
  },
  {
    method: 'get',
    path: '/v1/files/{id}',
    operationId: 'getFile',
    tag: 'Batches (OpenAI)',
    summary: 'A file',
    auth: true,
    envelope: 'openai',
    pathParams: fileId,
    responses: { 200: { description: 'The file.', content: { 'application/json': { schema: FileObject } } } },
    errors: [404],
  },
  {
    method: 'get',
    path: '/v1/files/{id}/content',
    operationId: 'getFileContent',
    tag: 'Batches (OpenAI)',
    summary: "A file's content (input, output or error JSONL)",
    auth: true,
    envelope: 'openai',
    pathParams: fileId,
    responses: { 200: { description: 'The JSONL.', content: { 'application/jsonl': { schema: { type: 'string' } } } } },
    conditional: false,
    errors: [404],
  },
  {
    method: 'delete',
    path: '/v1/files/{id}',
    operationId: 'deleteFile',
    tag: 'Batches (OpenAI)',
    summary: 'Delete a file',
    auth: true,
    envelope: 'openai',
    pathParams: fileId,
    responses: { 200: { description: 'Deleted.', content: { 'application/json': { schema: component('Deleted', deletedSchema) } } } },
    errors: [404],
  },
  {
    method: 'post',
    path: '/v1/batches',
    operationId: 'createBatch',
    tag: 'Batches (OpenAI)',
    summary: 'Start a batch',
    description:
      "OpenAI's form names an uploaded file and answers `200`; voxq's inline form (`jobs`, each a job request with an optional `custom_id`) answers `202`. Every line runs as an ordinary voxq job, behind interactive ones.",
    auth: true,
    envelope: 'openai',
    body: { required: true, content: { 'application/json': { schema: component('CreateBatchRequest', createBatchSchema), examples: batchExamples } } },
    responses: {
      200: { description: "The batch (OpenAI's form).", content: { 'application/json': { schema: Batch } } },
      202: { description: 'The batch (inline form).', content: { 'application/json': { schema: Batch } }, headers: { Location: '`/v1/batches/{id}`' } },
    },
    errors: [400, 402, 404, 413, 415],
  },
  {
    method: 'get',
    path: '/v1/batches',
    operationId: 'listBatches',
    tag: 'Batches (OpenAI)',
    summary: "The tenant's batches, newest first",
    auth: true,
    envelope: 'openai',
    query: listBatchesQuerySchema,
    responses: { 200: { description: 'A page of batches.', content: { 'application/json': { schema: component('BatchList', batchListSchema) } } } },
    errors: [400],
  },
  {
    method: 'get',
    path: '/v1/batches/{id}',
    operationId: 'getBatch',
    tag: 'Batches (OpenAI)',
    summary: 'A batch: status, request counts, output and error files',
    auth: true,
    envelope: 'openai',
    pathParams: batchId,
    responses: { 200: { description: 'The batch.', content: { 'application/json': { schema: Batch } } } },
    errors: [404],
  },
  {
    method: 'post',
    path: '/v1/batches/{id}/cancel',
    operationId: 'cancelBatch',
    tag: 'Batches (OpenAI)',
    summary: 'Cancel a batch (its unfinished jobs are cancelled)',
    auth: true,
    envelope: 'openai',
    pathParams: batchId,
    responses: { 200: { description: 'The batch, `cancelling` until done.', content: { 'application/json': { schema: Batch } } } },
    errors: [404, 409],
  },
];
