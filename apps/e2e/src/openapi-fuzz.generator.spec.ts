import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '@voxq/api-docs';
import { generateFuzzRequests } from './openapi-fuzz.generator';
import { describeRequest } from './openapi-fuzz.request';
import type { OpenApiDoc } from './openapi-fuzz.schema';

const doc = buildOpenApiDocument() as unknown as OpenApiDoc;
const options = { seed: 7, apiKey: 'vq_test', limits: { json: 4096, audio: 8192 } };

describe('generateFuzzRequests', () => {
  it('gives the same requests for the same seed, and others for another', () => {
    const digest = (seed: number) => {
      const hash = createHash('sha256');
      for (const r of generateFuzzRequests(doc, { ...options, seed })) hash.update(describeRequest(r)).update(r.body ?? '');
      return hash.digest('hex');
    };
    expect(digest(7)).toBe(digest(7));
    expect(digest(8)).not.toBe(digest(7));
  });

  it('breaks every operation', () => {
    const requests = generateFuzzRequests(doc, options);
    const byOp = new Map<string, number>();
    for (const r of requests) byOp.set(r.operation, (byOp.get(r.operation) ?? 0) + 1);
    for (const group of ['path', 'query', 'header', 'body', 'encoding', 'framing']) expect(requests.some((r) => r.group === group)).toBe(true);
    const operations = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`));
    expect([...byOp.keys()].sort()).toEqual(operations.sort());
  });
});
