import { z } from 'zod';
import {
  chatMessageSchema,
  chatToolSchema,
  completeResultSchema,
  constraintsSchema,
  errorEnvelopeSchema,
  metadataSchema,
  routingIntentSchema,
  synthesizeResultSchema,
  transcribeResultSchema,
  webhookTargetSchema,
} from '@voxq/contracts';
import { batchesDocs } from './batches.docs';
import { embeddingsDocs } from './embeddings.docs';
import { imagesDocs } from './images.docs';
import { jobsDocs } from './jobs.docs';
import { metaDocs } from './meta.docs';
import { oneShotDocs } from './one-shot.docs';
import { resourcesDocs } from './resources.docs';
import { realtimeDocs } from './realtime.docs';
import { secretsDocs } from './secrets.docs';
import { openAiErrorEnvelopeSchema, spekoErrorBodySchema } from './response-schemas';
import { component, isComponent, type Component, type JsonSchema, type MediaDoc, type ResponseDoc, type RouteDoc } from './route-doc';

/** Every route `createApp` serves, documented. */
export const API_ROUTE_DOCS: readonly RouteDoc[] = [
  ...metaDocs,
  ...jobsDocs,
  ...oneShotDocs,
  ...embeddingsDocs,
  ...imagesDocs,
  ...resourcesDocs,
  ...secretsDocs,
  ...batchesDocs,
  ...realtimeDocs,
];

export const ErrorEnvelope = component('ErrorEnvelope', errorEnvelopeSchema);
export const OpenAiErrorEnvelope = component('OpenAiErrorEnvelope', openAiErrorEnvelopeSchema);
export const SpekoErrorBody = component('SpekoErrorBody', spekoErrorBodySchema);
const ENVELOPES = {
  voxq: { prefix: 'Error', schema: ErrorEnvelope },
  openai: { prefix: 'OpenAiError', schema: OpenAiErrorEnvelope },
  speko: { prefix: 'SpekoError', schema: SpekoErrorBody },
} as const;

/** Parts several request bodies share, named so the reference shows them once (as clients send them). */
const SHARED_REQUEST_PARTS = [
  component('RoutingIntent', routingIntentSchema),
  component('Constraints', constraintsSchema),
  component('Metadata', metadataSchema),
  component('WebhookTarget', webhookTargetSchema),
  component('ChatMessage', chatMessageSchema),
  component('ChatTool', chatToolSchema),
];

/** The job results, named (jobs, webhooks and the result route carry them). */
const SHARED_RESPONSE_PARTS = [
  component('TranscribeResult', transcribeResultSchema),
  component('SynthesizeResult', synthesizeResultSchema),
  component('CompleteResult', completeResultSchema),
];

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "Invalid request: the envelope's `param` names the field (`input.messages.0.content`); `invalid_url` when a path parameter is not valid percent-encoding (`%E0%A4%A`); `invalid_content_encoding` when the body does not decompress as its `Content-Encoding` says.",
  401: 'No API key, or an invalid or revoked one.',
  402: "The tenant's monthly job allowance is used up (`allowance_exhausted`); idempotent replays are free.",
  404: "Not found, or another tenant's (never 403).",
  409: 'Conflicts with the current state (e.g. an `Idempotency-Key` reused with another body, a finished job, `too_many_webhook_endpoints`).',
  413: 'The body is larger than the limit (`API_JSON_LIMIT_BYTES`, `API_AUDIO_LIMIT_BYTES`, `UPLOAD_MAX_BYTES`).',
  415: 'Unsupported `Content-Type` or `Content-Encoding` (`/v1/uploads` and `/v1/files` take none, other routes gzip, deflate or br): the message says what is accepted.',
  429: "The key's rate limit is exceeded: retry after `Retry-After` seconds.",
  500: 'An internal error, or a job that failed with one.',
  502: 'Every candidate provider failed.',
  503: 'Redis, S3 or every provider is unavailable for now: retry.',
};

/**
 * OpenAPI 3.1's own dialect (JSON Schema 2020-12 with OpenAPI's vocabulary): the default, and
 * the one Swagger UI supports; any other value puts a red warning on `/docs`.
 */
export const JSON_SCHEMA_DIALECT = 'https://spec.openapis.org/oas/3.1/dialect/base';

/** An OpenAPI 3.1 document (the parts this module writes). */
export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  jsonSchemaDialect: string;
  tags: { name: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, JsonSchema>; responses: Record<string, JsonSchema>; securitySchemes: Record<string, JsonSchema> };
}

export interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security: Record<string, string[]>[];
  parameters?: JsonSchema[];
  requestBody?: JsonSchema;
  responses: Record<string, JsonSchema>;
}

/** `/v1/jobs/:id` → `/v1/jobs/{id}`; Express's escaped colon (`/v1/jobs\:batch`) is a literal one. */
export function openApiPathOf(expressPath: string): string {
  return expressPath
    .replaceAll('\\:', '\u0000')
    .replace(/:(\w+)/g, '{$1}')
    .replace(/\*(\w+)/g, '{$1}')
    .replaceAll('\u0000', ':');
}

const refTo = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** Strips what a 2020-12 document carries but an embedded OpenAPI schema must not. */
function embedded(schema: JsonSchema): JsonSchema {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

/**
 * Named zod schemas, split by direction: requests are described as clients send them
 * (`io: "input"`: fields with defaults are optional), responses as voxq answers them.
 */
class ComponentSet {
  private readonly byName = new Map<string, { schema: z.ZodType; io: 'input' | 'output' }>();

  add({ name, schema }: Component, io: 'input' | 'output'): JsonSchema {
    const known = this.byName.get(name);
    if (known && (known.schema !== schema || known.io !== io)) {
      throw new Error(`OpenAPI component '${name}' names two schemas (or one schema both as request and response): rename one.`);
    }
    this.byName.set(name, { schema, io });
    return refTo(name);
  }

  toJsonSchemas(): Record<string, JsonSchema> {
    const schemas: Record<string, JsonSchema> = {};
    for (const io of ['input', 'output'] as const) {
      const registry = z.registry<{ id: string }>();
      for (const [name, entry] of this.byName) {
        if (entry.io !== io) continue;
        if (registry.has(entry.schema))
          throw new Error(`OpenAPI component '${name}': its schema already has another name (${registry.get(entry.schema)?.id}).`);
        registry.add(entry.schema, { id: name });
      }
      // 'throw': a schema JSON Schema cannot express (an output-side transform, a date) fails the
      // document's build and its spec, rather than turning silently into `{}`.
      const converted = z.toJSONSchema(registry, { io, uri: (id) => `#/components/schemas/${id}`, unrepresentable: 'throw' });
      for (const [name, schema] of Object.entries(converted.schemas)) schemas[name] = embedded(schema as JsonSchema);
    }
    return Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b)));
  }
}

function mediaOf(media: MediaDoc, io: 'input' | 'output', components: ComponentSet): JsonSchema {
  return {
    schema: isComponent(media.schema) ? components.add(media.schema, io) : media.schema,
    ...(media.examples ? { examples: media.examples } : {}),
  };
}

function contentOf(content: Record<string, MediaDoc>, io: 'input' | 'output', components: ComponentSet): JsonSchema {
  return Object.fromEntries(Object.entries(content).map(([type, media]) => [type, mediaOf(media, io, components)]));
}

/** A query object's fields as parameters; required unless the field accepts `undefined` (optional or defaulted). */
function queryParameters(query: z.ZodObject): JsonSchema[] {
  return Object.entries(query.shape).map(([name, field]) => {
    const schema = embedded(z.toJSONSchema(field as z.ZodType, { io: 'input', unrepresentable: 'throw' }) as JsonSchema);
    const { description, ...rest } = schema;
    return {
      name,
      in: 'query',
      required: !(field as z.ZodType).safeParse(undefined).success,
      schema: rest,
      ...(typeof description === 'string' ? { description } : {}),
    };
  });
}

function responseOf(response: ResponseDoc, components: ComponentSet): JsonSchema {
  return {
    description: response.description,
    ...(response.headers
      ? { headers: Object.fromEntries(Object.entries(response.headers).map(([name, description]) => [name, { description, schema: { type: 'string' } }])) }
      : {}),
    ...(response.content ? { content: contentOf(response.content, 'output', components) } : {}),
  };
}

/** The error answers, one per envelope and status, shared by the operations (`#/components/responses/...`). */
class ErrorResponses {
  readonly all: Record<string, JsonSchema> = {};

  constructor(private readonly components: ComponentSet) {}

  ref(envelope: RouteDoc['envelope'], status: number): JsonSchema {
    const name = `${ENVELOPES[envelope].prefix}${status}`;
    this.all[name] ??= {
      description: ERROR_DESCRIPTIONS[status] ?? 'An error.',
      ...(status === 429 || status === 503
        ? { headers: { 'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } } } }
        : {}),
      content: { 'application/json': { schema: this.bodyOf(envelope) } },
    };
    return { $ref: `#/components/responses/${name}` };
  }

  /**
   * The route's envelope, or Speko's body: the Speko SDK (User-Agent `@spekoai/sdk/…`) reads no
   * other, so voxq's routes answer it in Speko's, and so do the OpenAI routes' 401, 429 and 503
   * (authentication and the rate limit run before their router).
   */
  private bodyOf(envelope: RouteDoc['envelope']): JsonSchema {
    const own = this.components.add(ENVELOPES[envelope].schema, 'output');
    return envelope === 'speko' ? own : { anyOf: [own, this.components.add(SpekoErrorBody, 'output')] };
  }
}

/**
 * Errors a route answers because of how it is built rather than what it does: the API key's
 * 401 and 429 and, as checking the key reads Redis, 503 while Redis is away; a path parameter that is not valid percent-encoding (400 `invalid_url`, before
 * any handler runs), and a JSON body over `API_JSON_LIMIT_BYTES` (413, from the body parser).
 */
function implicitErrors(route: RouteDoc): number[] {
  return [
    ...(route.auth ? [401, 429, 503] : []),
    ...(route.pathParams && Object.keys(route.pathParams).length ? [400] : []),
    ...(route.body?.content['application/json'] ? [413] : []),
  ];
}

/** Express answers a buffered `GET` whose weak ETag matches `If-None-Match` with an empty `304`. */
const NOT_MODIFIED: JsonSchema = {
  description: 'Not modified: `If-None-Match` names the current `ETag` (a weak ETag comes with every answer that is not streamed).',
};

function operationOf(route: RouteDoc, components: ComponentSet, errorResponses: ErrorResponses): Operation {
  const parameters = [
    ...Object.entries(route.pathParams ?? {}).map(([name, description]) => ({ name, in: 'path', required: true, description, schema: { type: 'string' } })),
    ...(route.query ? queryParameters(route.query) : []),
    ...(route.headers ?? []).map((h) => ({
      name: h.name,
      in: 'header',
      required: h.required ?? false,
      description: h.description,
      schema: h.schema ?? { type: 'string' },
    })),
  ];
  const errorStatuses = [...new Set([...route.errors, ...implicitErrors(route)])].sort((a, b) => a - b);
  const responses: Record<string, JsonSchema> = {};
  for (const [status, response] of Object.entries(route.responses)) responses[status] = responseOf(response, components);
  if (route.method === 'get' && route.conditional !== false) responses['304'] ??= NOT_MODIFIED;
  for (const status of errorStatuses) responses[String(status)] ??= errorResponses.ref(route.envelope, status);
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    // `{}` first: the route's own token is optional (only when the operator sets one).
    security: route.auth ? [{ apiKey: [] }] : route.ownToken ? [{}, { [route.ownToken]: [] }] : [],
    ...(parameters.length ? { parameters } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: route.body.required,
            ...(route.body.description ? { description: route.body.description } : {}),
            content: contentOf(route.body.content, 'input', components),
          },
        }
      : {}),
    responses,
  };
}

const DESCRIPTION = [
  'voxq runs **transcribe**, **synthesize** and **complete** jobs on upstream providers, with retries, failover and signed webhooks.',
  'Every `/v1` request needs `Authorization: Bearer <API key>`; a tenant sees only its own jobs and resources.',
  "Errors share one envelope, `{error: {type, code, message, param}}`; the OpenAI-compatible routes answer in OpenAI's, Speko's one-shot routes and the Speko SDK (User-Agent `@spekoai/sdk/…`, on every route) in Speko's `{error: \"<message>\", code}`.",
  "Before any route runs, Node's HTTP parser may refuse a request, on every path: `431` `headers_too_large`, `408` `request_timeout` (headers not received in time), `413` (chunk extensions too large) or `400` `malformed_request` (a bad request line, headers or body framing). These come in voxq's envelope with an `X-Request-Id`, and the connection is closed; they are not repeated under each operation.",
  'Generated from the zod schemas the API validates with.',
].join('\n\n');

/** The OpenAPI 3.1 document of `routes` (by default every route of the API). */
export function buildOpenApiDocument(routes: readonly RouteDoc[] = API_ROUTE_DOCS): OpenApiDocument {
  const components = new ComponentSet();
  for (const part of SHARED_REQUEST_PARTS) components.add(part, 'input');
  for (const part of SHARED_RESPONSE_PARTS) components.add(part, 'output');
  const errorResponses = new ErrorResponses(components);
  const paths: OpenApiDocument['paths'] = {};
  const operationIds = new Set<string>();
  for (const route of routes) {
    const item = (paths[route.path] ??= {});
    if (item[route.method]) throw new Error(`OpenAPI: ${route.method.toUpperCase()} ${route.path} is documented twice.`);
    if (operationIds.has(route.operationId)) throw new Error(`OpenAPI: operationId '${route.operationId}' is used twice.`);
    operationIds.add(route.operationId);
    item[route.method] = operationOf(route, components, errorResponses);
  }
  return {
    openapi: '3.1.0',
    info: { title: 'voxq API', version: '1', description: DESCRIPTION },
    jsonSchemaDialect: JSON_SCHEMA_DIALECT,
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: components.toJsonSchemas(),
      responses: Object.fromEntries(Object.entries(errorResponses.all).sort(([a], [b]) => a.localeCompare(b))),
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'A voxq API key (`npm run keys -- create --tenant <tenant>`).' },
        metricsToken: { type: 'http', scheme: 'bearer', description: '`METRICS_TOKEN`, when the operator sets one.' },
      },
    },
  };
}
