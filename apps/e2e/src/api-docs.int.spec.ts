import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupPrefix, startStack, testConfig, type TestStack } from '@voxq/testing';

/** `src` and `href` attribute values of an HTML page. */
const referencesOf = (html: string) => [...html.matchAll(/\s(?:src|href)="([^"]*)"/g)].map((m) => m[1]!);

describe('API reference: GET /openapi.json and GET /docs', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startStack(testConfig(), { worker: false, dispatcher: false });
  });

  afterAll(async () => {
    await stack?.close();
    if (stack) await cleanupPrefix(stack.config);
  });

  it('serves the OpenAPI 3.1 document without an API key', async () => {
    const res = await stack.request(null, 'GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body).toMatchObject({ openapi: '3.1.0', info: { title: 'voxq API' } });
    const paths = res.body['paths'] as Record<string, Record<string, unknown>>;
    expect(Object.keys(paths['/v1/jobs'] ?? {})).toEqual(['post', 'get']);
    expect(paths['/v1/chat/completions']?.['post']).toBeDefined();
    // Public, but the API itself is not.
    expect((await stack.request(null, 'GET', '/v1/jobs')).status).toBe(401);
  });

  it('serves a reference page that loads only this server’s assets', async () => {
    const res = await stack.request(null, 'GET', '/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/https?:|\*/);

    const html = res.raw.toString();
    const references = referencesOf(html);
    expect(references).toEqual(['/docs/assets/swagger-ui.css', '/docs/assets/swagger-ui-bundle.js', '/docs/assets/init.js']);
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/); // no inline scripts

    const types: Record<string, RegExp> = { css: /^text\/css/, js: /^text\/javascript/ };
    for (const path of references) {
      expect(path.startsWith('/') && !path.startsWith('//'), path).toBe(true);
      const asset = await stack.request(null, 'GET', path);
      expect(asset.status, path).toBe(200);
      expect(asset.headers.get('content-type'), path).toMatch(types[path.split('.').pop()!]!);
      expect(asset.raw.length, path).toBeGreaterThan(100);
    }

    const init = (await stack.request(null, 'GET', '/docs/assets/init.js')).raw.toString();
    expect(init).toContain("url: '/openapi.json'");
    // Swagger UI would otherwise send the document to an online validator.
    expect(init).toContain('validatorUrl: null');
  });

  it("serves only the page's own assets, nothing else of the package or the disk", async () => {
    expect((await stack.request(null, 'GET', '/docs/assets/%2e%2e%2fpackage.json')).status).toBe(404);
    expect((await stack.request(null, 'GET', '/docs/assets/..%2f..%2f..%2fpackage.json')).status).toBe(404);
    expect((await stack.request(null, 'GET', '/docs/assets/index.html')).status).toBe(404);
  });
});
