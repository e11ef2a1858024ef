import type { z } from 'zod';

/**
 * The documentation of one HTTP route: what `openapi-document.ts` turns into an OpenAPI
 * operation. Every route `createApp` registers has one (the spec walks the app's router to
 * check), so a route added without its docs fails the tests.
 */

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** A JSON Schema written by hand, for what zod does not describe (binary audio, plain text, SSE). */
export type JsonSchema = Record<string, unknown>;

/** A zod schema published as `#/components/schemas/<name>`. */
export interface Component {
  name: string;
  schema: z.ZodType;
}

export const component = (name: string, schema: z.ZodType): Component => ({ name, schema });

/** One media type of a body: a named zod schema, or a hand-written JSON Schema. */
export interface MediaDoc {
  schema: Component | JsonSchema;
  /** Named examples; those of JSON request bodies are checked against the schema by the spec. */
  examples?: Record<string, { summary: string; value: unknown }>;
}

export const isComponent = (schema: Component | JsonSchema): schema is Component =>
  typeof schema['name'] === 'string' && typeof (schema['schema'] as { safeParse?: unknown } | undefined)?.safeParse === 'function';

export interface HeaderDoc {
  name: string;
  description: string;
  required?: boolean;
  schema?: JsonSchema;
}

export interface ResponseDoc {
  description: string;
  /** By media type; absent: no body. */
  content?: Record<string, MediaDoc>;
  /** Response headers worth knowing (`Location`, `Idempotent-Replayed`, `X-Speko-Provider`). */
  headers?: Record<string, string>;
}

export interface RouteDoc {
  method: HttpMethod;
  /** OpenAPI form: `/v1/jobs/{id}`, `/v1/jobs:batch`. */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  /** `Authorization: Bearer <API key>` required (every `/v1` route). */
  auth: boolean;
  /** Outside `/v1`: a route's own optional bearer token (`METRICS_TOKEN`) instead of the API key. */
  ownToken?: 'metricsToken';
  /** Which error envelope the route answers with: voxq's, or OpenAI's (the OpenAI-compatible surfaces). */
  /** The error body's shape: voxq's envelope, OpenAI's, or Speko's `{error: "<message>", code}`. */
  envelope: 'voxq' | 'openai' | 'speko';
  /** Path parameters by name. */
  pathParams?: Record<string, string>;
  /** The query string's zod schema (each property becomes a parameter). */
  query?: z.ZodObject;
  headers?: HeaderDoc[];
  body?: { description?: string; required: boolean; content: Record<string, MediaDoc> };
  /** Success answers by status. */
  responses: Record<number, ResponseDoc>;
  /** A `GET` whose answer is streamed (no ETag, never `304`); every other `GET` documents `304`. */
  conditional?: false;
  /**
   * Error statuses this route may answer, each with the route's envelope. Added for every route
   * where they apply: 401, 429 and 503 (`auth`), 400 (path parameters), 413 (a JSON body).
   */
  errors: number[];
}
