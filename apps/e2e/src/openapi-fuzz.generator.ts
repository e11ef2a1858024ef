import { gzipSync } from 'node:zlib';
import { bodyCases, encodingCases, isJsonType, multipartBody, validJsonOf, validPartsOf } from './openapi-fuzz.bodies';
import { headerCases, pathCases, queryCases } from './openapi-fuzz.params';
import { SeededRandom, type FuzzRequest, type OperationContext, type Tweak } from './openapi-fuzz.request';
import { SchemaReader, type OpenApiDoc } from './openapi-fuzz.schema';
import { sineWav } from '@voxq/testing';

export interface FuzzOptions {
  seed: number;
  /** The valid API key: the header cases put it in broken forms. */
  apiKey: string;
  /** Values for path parameters that exist (`/v1/jobs/{id}` → `{id: 'job_…'}`); others get a well-formed made-up one. */
  pathValues?: Record<string, Record<string, string>>;
  limits: { json: number; audio: number };
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** A request body of this operation that it accepts (first content type it documents). */
function validBodyOf(ctx: Omit<OperationContext, 'validBody'>): OperationContext['validBody'] {
  const entry = Object.entries(ctx.operation.requestBody?.content ?? {})[0];
  if (!entry) return undefined;
  const [type, media] = entry;
  if (isJsonType(type)) return { contentType: type, body: Buffer.from(JSON.stringify(validJsonOf(ctx, media))) };
  if (type === 'multipart/form-data') return multipartBody(validPartsOf(ctx, media.schema), ctx.rng);
  return { contentType: type.endsWith('/*') ? `${type.slice(0, -2)}/wav` : type, body: sineWav(0.05) };
}

/** Chunked framings an HTTP client will not produce, and two `Content-Length`s that lie (raw socket, `Connection: close`). */
function framingCases(ctx: OperationContext): Tweak[] {
  const valid = ctx.validBody ?? { contentType: 'application/json', body: Buffer.from('{"a":1}') };
  const chunked = (mutation: string, body: Buffer, extra: [string, string][] = []): Tweak => ({
    group: 'framing',
    mutation,
    raw: true,
    body,
    headers: [['content-type', valid.contentType], ['transfer-encoding', 'chunked'], ...extra],
  });
  const inChunks = (bytes: Buffer, size: number, sizeText = (n: number) => n.toString(16)) => {
    const parts: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += size) {
      const piece = bytes.subarray(i, i + size);
      parts.push(Buffer.from(`${sizeText(piece.length)}\r\n`), piece, Buffer.from('\r\n'));
    }
    return Buffer.concat([...parts, Buffer.from('0\r\n\r\n')]);
  };
  const body = valid.body.subarray(0, 4096);
  // Node's parser reads the framing before any route: a route without a body gets the two that test it hardest.
  if (!ctx.validBody)
    return [chunked('one-byte chunks', inChunks(body, 1)), chunked('a chunk size of 2^64', Buffer.from('10000000000000000\r\n{}\r\n0\r\n\r\n'))];
  return [
    chunked('one-byte chunks', inChunks(body, 1)),
    chunked(
      'sizes with leading zeros, upper case',
      inChunks(body, 7, (n) => n.toString(16).toUpperCase().padStart(6, '0')),
    ),
    chunked(
      'chunk extensions',
      inChunks(body, 64, (n) => `${n.toString(16)};ext="x";y=1`),
    ),
    chunked('trailer headers', Buffer.concat([inChunks(body, 64).subarray(0, -2), Buffer.from('X-Trailer: 1\r\n\r\n')])),
    chunked('a chunk longer than its size says', Buffer.from(`2\r\n{}}}\r\n0\r\n\r\n`)),
    chunked('a chunk size of 2^64', Buffer.from('10000000000000000\r\n{}\r\n0\r\n\r\n')),
    chunked('a negative chunk size', Buffer.from('-2\r\n{}\r\n0\r\n\r\n')),
    chunked('LF without CR', Buffer.from(`2\n{}\n0\n\n`)),
    chunked('gzip inside chunks, not gzip', inChunks(Buffer.from('not gzip'), 3), [['content-encoding', 'gzip']]),
    chunked('valid gzip in chunks', inChunks(gzipSync(body), 5), [['content-encoding', 'gzip']]),
    {
      group: 'framing',
      mutation: 'Content-Length shorter than the body',
      raw: true,
      body,
      headers: [
        ['content-type', valid.contentType],
        ['content-length', String(Math.max(0, body.length - 3))],
      ],
    },
    {
      group: 'framing',
      mutation: 'a Content-Length that is not a number',
      raw: true,
      body,
      headers: [
        ['content-type', valid.contentType],
        ['content-length', 'ten'],
      ],
    },
    {
      group: 'framing',
      mutation: 'Transfer-Encoding: gzip, chunked',
      raw: true,
      body: inChunks(gzipSync(body), 16),
      headers: [
        ['content-type', valid.contentType],
        ['transfer-encoding', 'gzip, chunked'],
      ],
    },
  ];
}

/**
 * Every operation of the document (method and path template), each broken every way this
 * generator knows: path and query parameters, headers, bodies per content type, encodings,
 * framing. The same document, options and seed give the same list.
 */
export function generateFuzzRequests(doc: OpenApiDoc, options: FuzzOptions): FuzzRequest[] {
  const reader = new SchemaReader(doc);
  const rng = new SeededRandom(options.seed);
  const out: FuzzRequest[] = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(item).filter(([m]) => METHODS.includes(m))) {
      const given = options.pathValues?.[template] ?? {};
      const validPath = template.replace(/\{(\w+)\}/g, (_, name: string) => given[name] ?? `fuzz_${name}_0000000000000000`);
      const base = { method: method.toUpperCase(), template, operation, reader, rng, validPath, limits: options.limits };
      const ctx: OperationContext = { ...base, validBody: validBodyOf(base) };
      const tweaks = [
        ...pathCases(ctx),
        ...queryCases(ctx),
        ...headerCases(ctx, options.apiKey),
        ...bodyCases(ctx),
        ...(ctx.validBody ? encodingCases(ctx) : []),
        ...framingCases(ctx),
      ];
      // A request these routes accept answers 202 at once instead of waiting for its job (the cases about Prefer aside).
      const answersAsync = (operation.parameters ?? []).some((p) => p.in === 'header' && p.name.toLowerCase() === 'prefer');
      for (const t of tweaks) {
        const usesValidBody = t.group === 'path' || t.group === 'query';
        const r: FuzzRequest = {
          operation: `${ctx.method} ${template}`,
          method: ctx.method,
          target: validPath,
          auth: true,
          ...(usesValidBody && ctx.validBody ? { body: ctx.validBody.body, headers: [['content-type', ctx.validBody.contentType]] } : { headers: [] }),
          ...t,
        };
        if (answersAsync && !r.headers.some(([name]) => name === 'prefer')) r.headers = [...r.headers, ['prefer', 'respond-async']];
        out.push(r);
      }
    }
  }
  return out;
}

/**
 * Each operation's valid request, `size` times, to be sent at once: what a retrying client
 * or a double click does. Where the operation takes an `Idempotency-Key`, all carry one key.
 */
export function generateBursts(doc: OpenApiDoc, options: FuzzOptions, size = 8): FuzzRequest[][] {
  const reader = new SchemaReader(doc);
  const rng = new SeededRandom(options.seed);
  const bursts: FuzzRequest[][] = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(item).filter(([m]) => METHODS.includes(m) && m !== 'get')) {
      const given = options.pathValues?.[template] ?? {};
      const validPath = template.replace(/\{(\w+)\}/g, (_, name: string) => given[name] ?? `fuzz_${name}_0000000000000000`);
      const base = { method: method.toUpperCase(), template, operation, reader, rng, validPath, limits: options.limits };
      const body = validBodyOf(base);
      const header = (name: string) => (operation.parameters ?? []).some((p) => p.in === 'header' && p.name.toLowerCase() === name);
      const headers: [string, string][] = [
        ...(body ? [['content-type', body.contentType] as [string, string]] : []),
        ...(header('idempotency-key') ? [['idempotency-key', `burst-${method}-${template}`] as [string, string]] : []),
        ...(header('prefer') ? [['prefer', 'respond-async'] as [string, string]] : []),
      ];
      const request: FuzzRequest = {
        operation: `${base.method} ${template}`,
        group: 'body',
        mutation: `a burst of ${size}`,
        method: base.method,
        target: validPath,
        headers,
        auth: true,
        ...(body ? { body: body.body } : {}),
      };
      bursts.push(Array.from({ length: size }, () => request));
    }
  }
  return bursts;
}
