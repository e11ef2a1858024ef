import { validate } from '@readme/openapi-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { Express } from 'express';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@voxq/config';
import { jobRequestSchema } from '@voxq/contracts';
import { createLogger } from '@voxq/logging';
import type { ProviderRuntime } from '@voxq/providers';
import type { Queues } from '@voxq/queues';
import { createObjectStore } from '@voxq/storage';
import { API_ROUTE_DOCS, buildOpenApiDocument, isComponent, jobRequestExamples, openApiPathOf, type OpenApiDocument } from '@voxq/api-docs';
import { createApp } from '../create-app';

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** `GET /v1/jobs/{id}` for every route the app's routers register (middleware such as static assets are not routes). */
function routesOf(app: Express): string[] {
  const found: string[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const path of paths) {
          for (const method of Object.keys(layer.route.methods).filter((m) => m !== '_all')) found.push(`${method.toUpperCase()} ${openApiPathOf(path)}`);
        }
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app.router as unknown as { stack: Layer[] }).stack);
  return [...new Set(found)].sort();
}

const operationsOf = (doc: OpenApiDocument) =>
  Object.entries(doc.paths)
    .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();

// Building the app registers every route; nothing here connects (lazy Redis, unused stubs).
const redis = new Redis({ lazyConnect: true, enableOfflineQueue: false });
afterAll(() => redis.disconnect());

function appForRoutes(): Express {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', S3_BUCKET: 'voxq' });
  return createApp({
    config,
    logger: createLogger({ name: 'openapi-spec', level: 'silent' }),
    resources: {
      redis,
      queues: {} as Queues,
      objects: createObjectStore(config),
      providers: {} as ProviderRuntime,
      connection: () => redis,
    },
  });
}

describe('the OpenAPI document', () => {
  const doc = buildOpenApiDocument();

  it('is valid OpenAPI 3.1', async () => {
    // The validator itself refuses a broken document (a parameter that says not where it goes).
    const broken = structuredClone(doc) as unknown as { paths: Record<string, Record<string, { parameters: Record<string, unknown>[] }>> };
    delete broken.paths['/v1/jobs']!['get']!.parameters[0]!['in'];
    expect((await validate(broken as never)).valid).toBe(false);

    // validate() dereferences in place: give it a copy.
    const result = await validate(structuredClone(doc) as never);
    if (!result.valid) expect.fail(JSON.stringify(result.errors, null, 2));
    expect(result.warnings).toEqual([]);
    expect(doc.openapi).toBe('3.1.0');
    // Validating twice takes about 1 s alone and up to 5 s beside an e2e suite on 2 busy cores
    // (the unit project's default timeout): the time is not what this test is about.
  }, 30_000);

  it('documents every route createApp registers, and no route it does not', () => {
    const served = routesOf(appForRoutes());
    expect(served.length).toBeGreaterThan(40);
    // A new route fails here until it has a RouteDoc in libs/api-docs/src/*.docs.ts.
    expect(operationsOf(doc)).toEqual(served);
  });

  it('requires the API key on every /v1 route and on nothing else', () => {
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const operation of Object.values(item)) {
        if (path.startsWith('/v1/')) {
          expect(operation.security, path).toEqual([{ apiKey: [] }]);
          expect(operation.responses['401'], path).toBeDefined();
        } else
          expect(
            operation.security.some((s) => 'apiKey' in s),
            path,
          ).toBe(false);
      }
    }
    expect(doc.paths['/openapi.json']?.['get']?.security).toEqual([]);
    // Swagger UI warns on /docs for any dialect but OpenAPI 3.1's default.
    expect(doc.jsonSchemaDialect).toBe('https://spec.openapis.org/oas/3.1/dialect/base');
    expect(doc.paths['/docs']?.['get']?.security).toEqual([]);
  });

  it("answers errors in voxq's envelope, and OpenAI's on the OpenAI-style routes", () => {
    const envelopeOf = (method: string, path: string, status: string) => {
      const ref = (doc.paths[path]?.[method]?.responses[status] as { $ref: string }).$ref.replace('#/components/responses/', '');
      return (doc.components.responses[ref] as { content: Record<string, { schema: unknown }> }).content['application/json']?.schema;
    };
    // Or Speko's body, for the Speko SDK.
    const or = (name: string) => ({ anyOf: [{ $ref: `#/components/schemas/${name}` }, { $ref: '#/components/schemas/SpekoErrorBody' }] });
    expect(envelopeOf('post', '/v1/jobs', '400')).toEqual(or('ErrorEnvelope'));
    expect(envelopeOf('post', '/v1/chat/completions', '400')).toEqual(or('OpenAiErrorEnvelope'));
    expect(envelopeOf('get', '/v1/batches/{id}', '404')).toEqual(or('OpenAiErrorEnvelope'));
    expect(envelopeOf('post', '/v1/transcribe', '400')).toEqual({ $ref: '#/components/schemas/SpekoErrorBody' });
  });

  it('documents the headers clients steer with', () => {
    const headerNames = (method: string, path: string) =>
      ((doc.paths[path]?.[method]?.parameters ?? []) as { in: string; name: string }[]).filter((p) => p.in === 'header').map((p) => p.name);
    expect(headerNames('post', '/v1/jobs')).toEqual(expect.arrayContaining(['Idempotency-Key', 'X-Voxq-Intent', 'X-Voxq-Webhook-Url']));
    expect(headerNames('post', '/v1/transcribe')).toEqual(expect.arrayContaining(['x-speko-intent', 'Prefer', 'Idempotency-Key']));
    expect(Object.keys((doc.paths['/v1/jobs']?.['post']?.requestBody as { content: object }).content)).toEqual([
      'application/json',
      'audio/*',
      'application/octet-stream',
    ]);
    expect(Object.keys((doc.paths['/v1/audio/transcriptions']?.['post']?.requestBody as { content: object }).content)).toEqual(['multipart/form-data']);
  });

  it('describes requests as sent: fields with defaults are optional', () => {
    const query = doc.paths['/v1/jobs']?.['get']?.parameters as { name: string; required: boolean }[];
    expect(query.find((p) => p.name === 'limit')).toMatchObject({ required: false });
    const synthesize = doc.components.schemas['SpekoSynthesizeRequest'] as { required?: string[] };
    expect(synthesize.required).toEqual(['text']);
  });

  describe('request examples validate against the generated schemas', () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
    ajv.addSchema({ $id: 'doc', components: doc.components });
    const validatorFor = (component: string) => ajv.compile({ $ref: `doc#/components/schemas/${component}` });

    it.each(Object.entries(jobRequestExamples))('job request: %s', (_name, example) => {
      const check = validatorFor('JobRequest');
      expect(check(example.value), JSON.stringify(check.errors)).toBe(true);
      expect(jobRequestSchema.safeParse(example.value).success).toBe(true);
    });

    it('rejects what the API rejects (an unknown type, an unknown field)', () => {
      const check = validatorFor('JobRequest');
      expect(check({ type: 'translate', input: {} })).toBe(false);
      expect(check({ ...jobRequestExamples.synthesize.value, priority: 1 })).toBe(false);
      expect(jobRequestSchema.safeParse({ ...jobRequestExamples.synthesize.value, priority: 1 }).success).toBe(false);
    });

    it('every example in the document validates against its media type schema', () => {
      let checked = 0;
      for (const [path, item] of Object.entries(doc.paths)) {
        for (const [method, operation] of Object.entries(item)) {
          const content = (
            operation.requestBody as { content?: Record<string, { schema: { $ref?: string }; examples?: Record<string, { value: unknown }> }> } | undefined
          )?.content;
          for (const media of Object.values(content ?? {})) {
            for (const [name, example] of Object.entries(media.examples ?? {})) {
              const check = ajv.compile({ $ref: `doc${media.schema.$ref}` });
              expect(check(example.value), `${method} ${path} ${name}: ${JSON.stringify(check.errors)}`).toBe(true);
              checked++;
            }
          }
        }
      }
      expect(checked).toBeGreaterThanOrEqual(10);
    });

    it('every example is also accepted by the zod schema the route parses with', () => {
      let checked = 0;
      for (const route of API_ROUTE_DOCS) {
        for (const media of Object.values(route.body?.content ?? {})) {
          if (!isComponent(media.schema)) continue;
          for (const [name, example] of Object.entries(media.examples ?? {})) {
            const parsed = media.schema.schema.safeParse(example.value);
            expect(parsed.success, `${route.operationId} ${name}: ${parsed.error?.message}`).toBe(true);
            checked++;
          }
        }
      }
      expect(checked).toBeGreaterThanOrEqual(10);
    });
  });
});
