import { existsSync, mkdirSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '@voxq/config';
import { KeyShards } from '@voxq/redis-keys';
import { cleanupPrefix, startSimulatedStack, startStack, testConfig, type SimulatedStack } from '@voxq/testing';

const ADMIN_TOKEN = 'admin-token-for-the-dashboard-test';
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
/** The failing job's message: never shown by the dashboard. */
const PAYLOAD_CONTENT = 'payload-words-the-dashboard-never-shows';
const complete = (content: string) => ({ type: 'complete', input: { messages: [{ role: 'user', content }] } });

/** Debian's chromium (CI installs it, .ci/run); `CHROMIUM_PATH` points elsewhere. */
const CHROMIUM = [process.env['CHROMIUM_PATH'], '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p): p is string => !!p && existsSync(p));
/** The one DOM call the test makes in the page (the project's types have no DOM lib). */
interface BrowserWindow {
  getComputedStyle(element: unknown): { backgroundColor: string };
}

/** bull-board's queues: the job queues and `tools` once per shard, `webhooks` and `batches` once. */
const queueCount = (config: Config) => 6 * config.redis.shards + 2;
/** bull-board's name for the `complete` queue a job is in: its shard's when there are several. */
const boardName = (config: Config, jobId: string) => (config.redis.shards > 1 ? `shard-${KeyShards.for(config.redis).ofId(jobId)}/complete` : 'complete');

const ARTIFACTS = resolve(import.meta.dirname, '../../../test-artifacts');

describe('operator dashboard: configuration', () => {
  it('answers 404 under /admin whatever is sent', async () => {
    const stack = await startStack(testConfig(), { worker: false, dispatcher: false });
    try {
      for (const path of ['/admin', '/admin/status.json', '/admin/queues', '/admin/queues/api/queues']) {
        for (const authorization of [undefined, `Bearer ${ADMIN_TOKEN}`, basic('admin', ADMIN_TOKEN)]) {
          const res = await fetch(`${stack.url}${path}`, { headers: authorization ? { authorization } : {} });
          expect(res.status, `${path} ${authorization ?? 'no header'}`).toBe(404);
        }
      }
    } finally {
      await stack.close();
      await cleanupPrefix(stack.config);
    }
  });

  it('lets bull-board act on the queues only with ADMIN_QUEUE_ACTIONS=true', async () => {
    const stack = await startStack(testConfig({ ADMIN_TOKEN, ADMIN_QUEUE_ACTIONS: 'true' }), { worker: false, dispatcher: false });
    try {
      const res = await fetch(`${stack.url}/admin/queues/api/queues`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { queues: Array<{ readOnlyMode: boolean; allowRetries: boolean }> };
      expect(body.queues).toHaveLength(queueCount(stack.config));
      expect(body.queues.every((q) => !q.readOnlyMode && q.allowRetries)).toBe(true);
      const page = await fetch(`${stack.url}/admin`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(await page.text()).not.toContain('read-only');
    } finally {
      await stack.close();
      await cleanupPrefix(stack.config);
    }
  });
});

describe('operator dashboard: /admin and /admin/queues', () => {
  let stack: SimulatedStack;
  let failedJobId: string;
  let completedJobId: string;
  const logs = new PassThrough();
  let logged = '';

  const get = (path: string, authorization?: string) => fetch(`${stack.url}${path}`, { headers: authorization ? { authorization } : {} });

  beforeAll(async () => {
    logs.setEncoding('utf8').on('data', (chunk: string) => (logged += chunk));
    stack = await startSimulatedStack({ ADMIN_TOKEN, API_RATE_LIMIT_PER_SECOND: '0', LOG_LEVEL: 'debug' }, { logDestination: logs });
    const { apiKey } = await stack.createKey('dashboard-acme');
    const run = async (body: unknown) => {
      const submitted = await stack.request(apiKey, 'POST', '/v1/jobs', body);
      expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
      return stack.waitForJob(apiKey, submitted.body.id as string);
    };
    const done = await run(complete('fine'));
    expect(done.status).toBe('completed');
    completedJobId = done.id as string;
    stack.simulator.enqueueFaults([{ status: 400, message: 'messages: bad shape' }]);
    const failed = await run(complete(PAYLOAD_CONTENT));
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'provider_rejected_input' } });
    failedJobId = failed.id as string;
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('refuses every admin path without the token or with a wrong one: 401 with a Basic challenge, never 200', async () => {
    const wrong = [
      undefined,
      'Bearer not-the-admin-token-at-all',
      `Bearer ${ADMIN_TOKEN}x`,
      basic('admin', 'wrong-password-of-some-length'),
      basic('root', ADMIN_TOKEN),
      `Token ${ADMIN_TOKEN}`,
      `Basic ${ADMIN_TOKEN}`,
    ];
    for (const path of ['/admin', '/admin/', '/admin/status.json', '/admin/queues', '/admin/queues/api/queues', '/admin/queues/static/css/x.css']) {
      for (const authorization of wrong) {
        const res = await get(path, authorization);
        expect(res.status, `${path} ${authorization ?? 'no header'}`).toBe(401);
        expect(res.headers.get('www-authenticate')).toBe('Basic realm="voxq admin", charset="UTF-8"');
        const body = (await res.json()) as { error: { code: string; message: string } };
        expect(body.error.code).toBe('invalid_admin_token');
        expect(JSON.stringify(body)).not.toContain(ADMIN_TOKEN);
      }
    }
    // An API key is not the admin token.
    const { apiKey } = await stack.createKey('dashboard-intruder');
    expect((await get('/admin', `Bearer ${apiKey}`)).status).toBe(401);
    // Neither is the admin token an API key.
    expect((await get('/v1/jobs', `Bearer ${ADMIN_TOKEN}`)).status).toBe(401);
  });

  it('serves /admin/status.json with the token: queues, providers, and the failed job without its payload', async () => {
    for (const authorization of [`Bearer ${ADMIN_TOKEN}`, basic('admin', ADMIN_TOKEN)]) {
      const res = await get('/admin/status.json', authorization);
      expect(res.status).toBe(200);
      const status = (await res.json()) as {
        queues: Array<{ name: string; failed: number }>;
        providers: Array<{ id: string; state: string }>;
        recentFailures: Array<Record<string, unknown>>;
      };
      expect(status.queues.map((q) => q.name).sort()).toEqual(['batches', 'complete', 'embed', 'image', 'synthesize', 'tools', 'transcribe', 'webhooks']);
      expect(status.queues.find((q) => q.name === 'complete')?.failed).toBe(1);
      expect(status.providers.find((p) => p.id === 'openai')).toMatchObject({ state: 'closed' });
      expect(status.recentFailures).toHaveLength(1);
      expect(status.recentFailures[0]).toMatchObject({ queue: 'complete', id: failedJobId, name: 'complete', attemptsMade: 1 });
      expect(Object.keys(status.recentFailures[0]!).sort()).toEqual(['attemptsMade', 'failedAt', 'failedReason', 'id', 'name', 'queue']);
      expect(JSON.stringify(status)).not.toContain(PAYLOAD_CONTENT);
      expect(JSON.stringify(status)).not.toContain(completedJobId);
    }
  });

  it('serves the status page with its own CSP: one nonce for its style block, no script', async () => {
    const res = await get('/admin', basic('admin', ADMIN_TOKEN));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    const nonce = /style-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('script-src');
    const html = await res.text();
    expect(html).toContain(`<style nonce="${nonce}">`);
    expect(html).not.toContain('<script');
    expect(html).toContain(failedJobId);
    expect(html).not.toContain(PAYLOAD_CONTENT);
    // Another request, another nonce.
    const again = (await get('/admin', `Bearer ${ADMIN_TOKEN}`)).headers.get('content-security-policy');
    expect(again).not.toBe(csp);
  });

  it('keeps bull-board read-only by default', async () => {
    const res = await get(
      `/admin/queues/api/queues?activeQueue=${encodeURIComponent(boardName(stack.config, failedJobId))}&status=failed&page=1`,
      `Bearer ${ADMIN_TOKEN}`,
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { queues: Array<{ name: string; readOnlyMode: boolean }> };
    expect(body.queues.length).toBe(queueCount(stack.config));
    expect(body.queues.every((q) => q.readOnlyMode)).toBe(true);
    const retry = await fetch(`${stack.url}/admin/queues/api/queues/${encodeURIComponent(boardName(stack.config, failedJobId))}/${failedJobId}/retry/failed`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(retry.status).toBeGreaterThanOrEqual(400);
  });

  describe.skipIf(!CHROMIUM)('in a headless browser', () => {
    let browser: Browser;

    beforeAll(async () => {
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
      mkdirSync(ARTIFACTS, { recursive: true });
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('logs in with HTTP Basic and shows queues, providers and the failed job; bull-board renders', async () => {
      const context = await browser.newContext({ httpCredentials: { username: 'admin', password: ADMIN_TOKEN }, viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const violations: string[] = [];
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text()) && !/fonts\.googleapis/.test(message.text())) violations.push(message.text());
      });

      const response = await page.goto(`${stack.url}/admin`);
      expect(response?.status()).toBe(200);
      expect(await page.title()).toBe('voxq status');
      const queueRows = page.locator('#queues tbody tr');
      expect(await queueRows.count()).toBe(8);
      expect(await page.locator('#queues').innerText()).toContain('complete');
      // The simulated OpenAI serves each capability: one row per (provider, capability).
      expect(await page.locator('#providers tbody tr td:first-child', { hasText: /^openai$/ }).count()).toBeGreaterThan(0);
      const failure = page.locator('#failures tbody tr', { hasText: failedJobId });
      expect(await failure.count()).toBe(1);
      expect(await failure.innerText()).toContain('complete');
      // The nonce'd style block applied: the table has its own header background.
      expect(
        await page
          .locator('#queues th')
          .first()
          .evaluate((th) => (globalThis as unknown as BrowserWindow).getComputedStyle(th).backgroundColor),
      ).toBe('rgb(242, 244, 247)');
      await page.screenshot({ path: resolve(ARTIFACTS, 'dashboard.png'), fullPage: true });

      await page.click('a[href="/admin/queues"]');
      await page.waitForURL(`${stack.url}/admin/queues`);
      expect(await page.title()).toBe('voxq queues');
      // The React app replaced its loading screen with the queue list.
      await page.locator('#root', { hasText: 'complete' }).waitFor({ timeout: 15_000 });
      await page.getByText('webhooks').first().waitFor({ timeout: 15_000 });
      // Its API answers through the same login: the failed job is listed in its queue's failed tab.
      await page.goto(`${stack.url}/admin/queues/queue/${encodeURIComponent(boardName(stack.config, failedJobId))}?status=failed`);
      await page.getByText(failedJobId).first().waitFor({ timeout: 15_000 });
      await page.screenshot({ path: resolve(ARTIFACTS, 'dashboard-queues.png'), fullPage: true });
      expect(violations).toEqual([]);
      await context.close();
    });

    it('without credentials the browser gets the 401 challenge, not the page', async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      // Headless Chromium cannot show the login prompt: the navigation fails on the challenge.
      await expect(page.goto(`${stack.url}/admin`)).rejects.toThrow(/ERR_INVALID_AUTH_CREDENTIALS/);
      const res = await context.request.get(`${stack.url}/admin`);
      expect(res.status()).toBe(401);
      expect(res.headers()['www-authenticate']).toMatch(/^Basic realm="voxq admin"/);
      expect(await res.text()).not.toContain('voxq status');
      await context.close();
    });
  });

  it('never writes the admin token to the logs', () => {
    expect(logged.length).toBeGreaterThan(0);
    expect(logged).not.toContain(ADMIN_TOKEN);
    expect(logged).not.toContain(Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64'));
  });

  it.runIf(!CHROMIUM)('says the browser test was skipped: no chromium binary (apt-get install -y chromium, or set CHROMIUM_PATH)', () => {
    console.warn('admin-dashboard: no chromium binary at /usr/bin/chromium (or CHROMIUM_PATH): the headless-browser test was skipped.');
  });
});
