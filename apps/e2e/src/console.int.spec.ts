import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, sineWav, startSimulatedStack, startWebhookReceiver, type SimulatedStack, type WebhookReceiver } from '@voxq/testing';

/** Debian's chromium (CI installs it, .ci/run); `CHROMIUM_PATH` points elsewhere. */
const CHROMIUM = [process.env['CHROMIUM_PATH'], '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p): p is string => !!p && existsSync(p));
const HAS_ESPEAK = !spawnSync('espeak-ng', ['--version'], { stdio: 'ignore' }).error;
const ROOT = resolve(import.meta.dirname, '../../..');
const ARTIFACTS = resolve(ROOT, 'test-artifacts/console');
const BATCH_FILE_LIMIT = 4096;

/** A batch file of chat completions, one line a question. */
const chatBatchFile = (questions: string[]) =>
  `${questions
    .map((content, i) =>
      JSON.stringify({
        custom_id: `q${i + 1}`,
        method: 'POST',
        url: '/v1/chat/completions',
        body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content }] },
      }),
    )
    .join('\n')}\n`;

/** What the page sees of itself (the project's types have no DOM lib). */
interface ConsoleWindow {
  __violations: string[];
  sessionStorage: { getItem(key: string): string | null };
  location: { href: string; hash: string };
}
interface AudioElement {
  src: string;
  duration: number;
  readyState: number;
}

describe('tenant console (/console)', () => {
  let stack: SimulatedStack;
  let receiver: WebhookReceiver;
  let apiKey: string;

  beforeAll(async () => {
    // The API serves dist/apps/console: build it as `npm run build` does.
    const build = spawnSync(process.execPath, ['tools/build-app.mjs', 'console'], { cwd: ROOT, encoding: 'utf8' });
    expect(build.status, build.stderr).toBe(0);
    // An allowance and a rate limit, so the usage page has both to show; a small batch file limit, for a refusal to show.
    stack = await startSimulatedStack({
      API_RATE_LIMIT_PER_SECOND: '100',
      TENANT_MONTHLY_JOB_ALLOWANCE: '500',
      BATCH_MAX_FILE_BYTES: String(BATCH_FILE_LIMIT),
    });
    const key = await stack.createKey('console-acme');
    apiKey = key.apiKey;
    receiver = await startWebhookReceiver({ secret: key.webhookSecret });
  });
  afterAll(async () => {
    await stack?.close();
    await receiver?.close();
  }, 120_000);

  it('serves the page and its assets under a strict CSP: this origin only, no inline code', async () => {
    const page = await fetch(`${stack.url}/console`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("media-src 'self' blob:");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    const html = await page.text();
    expect(html).not.toMatch(/<script>|<style|style=|https?:\/\//);
    for (const [path, type] of [
      ['/console/assets/console.js', /javascript/],
      ['/console/assets/console.css', /text\/css/],
    ] as const) {
      const asset = await fetch(`${stack.url}${path}`);
      expect(asset.status, path).toBe(200);
      expect(asset.headers.get('content-type')).toMatch(type);
      expect(asset.headers.get('content-security-policy')).toBe(csp);
    }
    expect((await fetch(`${stack.url}/console/assets/nothing.js`)).status).toBe(404);
    // The page needs no key; the API behind it does.
    expect((await fetch(`${stack.url}/v1/jobs`)).status).toBe(401);
  });

  describe.skipIf(!CHROMIUM)('in a headless browser', () => {
    let browser: Browser;

    beforeAll(async () => {
      // Fake media devices: getUserMedia answers with a test tone, and no permission prompt shows.
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--no-sandbox', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', '--autoplay-policy=no-user-gesture-required'],
      });
      mkdirSync(ARTIFACTS, { recursive: true });
    });
    afterAll(async () => {
      await browser?.close();
    });

    /** A tab with a CSP-violation recorder; `signedIn` opens it with the key already given by a link. */
    const open = async (path = '/console'): Promise<{ context: BrowserContext; page: Page; violations: () => Promise<string[]> }> => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
      await context.grantPermissions(['microphone'], { origin: stack.url });
      const page = await context.newPage();
      const messages: string[] = [];
      page.on('console', (message) => {
        if (/Content.Security.Policy|Refused to/i.test(message.text())) messages.push(message.text());
      });
      page.on('pageerror', (error) => messages.push(`page error: ${error.message}`));
      await page.addInitScript(() => {
        const w = globalThis as unknown as ConsoleWindow & {
          addEventListener(type: string, fn: (e: { violatedDirective: string; blockedURI: string }) => void): void;
        };
        w.__violations = [];
        w.addEventListener('securitypolicyviolation', (e) => w.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
      });
      await page.goto(`${stack.url}${path}`);
      const violations = async () => [...messages, ...(await page.evaluate(() => (globalThis as unknown as ConsoleWindow).__violations))];
      return { context, page, violations };
    };
    const signedIn = () => open(`/console#key=${encodeURIComponent(apiKey)}`);
    const shot = (page: Page, name: string) => page.screenshot({ path: resolve(ARTIFACTS, `${name}.png`), fullPage: true });

    it('signs in with the form: a wrong key is refused in words, the right one opens the jobs', async () => {
      const { context, page, violations } = await open();
      expect(await page.title()).toBe('Sign in · voxq console');
      await page.getByLabel('API key').fill('vq_not-a-real-key-at-all');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').filter({ hasText: 'does not know this key' }).waitFor();
      await shot(page, 'sign-in');
      await page.getByLabel('API key').fill(apiKey);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Jobs', level: 1 }).waitFor();
      expect(await page.evaluate(() => (globalThis as unknown as ConsoleWindow).sessionStorage.getItem('voxq.console.apiKey'))).toBe(apiKey);
      // Signing out forgets the key.
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByLabel('API key').waitFor();
      expect(await page.evaluate(() => (globalThis as unknown as ConsoleWindow).sessionStorage.getItem('voxq.console.apiKey'))).toBeNull();
      expect(await violations()).toEqual([]);
      await context.close();
    });

    it('signs in from a #key= link and takes the key out of the address bar', async () => {
      const { context, page, violations } = await signedIn();
      await page.getByRole('heading', { name: 'Jobs', level: 1 }).waitFor();
      expect(page.url()).toBe(`${stack.url}/console#/jobs`);
      expect(page.url()).not.toContain(apiKey);
      // Reloading the tab keeps the session (sessionStorage), without the key in any URL.
      await page.reload();
      await page.getByRole('heading', { name: 'Jobs', level: 1 }).waitFor();
      expect(await violations()).toEqual([]);
      await context.close();
    });

    it('lists a submitted job and turns its status to completed live, with filters by type and status', async () => {
      const { context, page, violations } = await signedIn();
      await page.getByRole('heading', { name: 'Jobs', level: 1 }).waitFor();
      // The provider takes its time (within PROVIDER_TIMEOUT_MS, 5 s in tests), so the job is still open when the list (already loaded) reads it again.
      stack.simulator.setLatency({ latencyMs: 3_000, tokenMs: 0 }, 'openai');
      try {
        const submitted = await stack.request(apiKey, 'POST', '/v1/jobs', { type: 'complete', input: { messages: [{ role: 'user', content: 'live list' }] } });
        expect(submitted.status).toBe(202);
        const id = submitted.body.id as string;
        await page.getByLabel('Type').selectOption('complete');
        await page.waitForURL(/type=complete/);
        const row = page.locator(`tr[data-job-id="${id}"]`);
        await row.waitFor();
        expect(['queued', 'active']).toContain(await row.locator('[data-status]').getAttribute('data-status'));
        await shot(page, 'jobs-open');
        // No reload: the job's event stream turns it completed.
        await row.locator('[data-status="completed"]').waitFor({ timeout: 20_000 });
        expect(await row.innerText()).toContain('openai');
      } finally {
        stack.simulator.setLatency({ latencyMs: 0, tokenMs: 0 }, 'openai');
      }
      const row = page.locator('tbody tr').first();
      await page.getByLabel('Type').selectOption('synthesize');
      await page.waitForURL(/type=synthesize/);
      await eventually(
        async () => ((await page.locator('#jobs-table td:nth-child(2)', { hasText: 'complete' }).count()) === 0 ? true : undefined),
        10_000,
        'the type filter',
      );
      await page.getByLabel('Type').selectOption('complete');
      await page.getByLabel('Status').selectOption('completed');
      await page.waitForURL(/status=completed/);
      await row.waitFor();
      expect(
        await page.locator('tbody [data-status]').evaluateAll((badges) => badges.map((b) => (b as unknown as { dataset: { status: string } }).dataset.status)),
      ).not.toContain('failed');
      await shot(page, 'jobs');
      expect(await violations()).toEqual([]);
      await context.close();
    });

    it('submits text to speech and plays the result in the job page, with attempts, scores and deliveries', async () => {
      const { context, page, violations } = await signedIn();
      await page.getByRole('link', { name: 'Submit' }).click();
      await page.getByLabel('Text').fill('Hello from the voxq console.');
      await page.getByLabel('Format').selectOption('wav');
      await page.getByRole('button', { name: 'Synthesize' }).click();
      await page.waitForURL(/#\/jobs\/.+/);
      await page.locator('#job-status [data-status="completed"]').waitFor({ timeout: 20_000 });
      const audio = page.locator('#result-audio');
      await audio.waitFor();
      expect(await audio.evaluate((a) => (a as unknown as AudioElement).src)).toMatch(/^blob:/);
      // The browser decoded it: the audio has a length.
      await eventually(
        async () => ((await audio.evaluate((a) => (a as unknown as AudioElement).readyState)) >= 1 ? true : undefined),
        10_000,
        'audio metadata',
      );
      expect(await audio.evaluate((a) => (a as unknown as AudioElement).duration)).toBeGreaterThan(0);
      // The input comes from the API (`?include=input`), not from what this tab remembers.
      expect(await page.locator('#input-text').innerText()).toBe('Hello from the voxq console.');
      await page.locator('#attempts tbody tr').first().waitFor();
      await page.locator('#scores tbody tr').first().waitFor();
      expect(await page.locator('#attempts').innerText()).toContain('answered');
      await shot(page, 'job-synthesize');
      expect(await violations()).toEqual([]);
      await context.close();
    });

    it('streams a chat reply token by token', async () => {
      stack.simulator.setLatency({ latencyMs: 0, tokenMs: 120 }, 'openai');
      try {
        const { context, page, violations } = await signedIn();
        await page.goto(`${stack.url}/console#/submit/chat`);
        const prompt = 'Tell me something about queues and streaming replies';
        await page.getByLabel('Message').fill(prompt);
        await page.getByRole('button', { name: 'Send' }).click();
        const reply = page.locator('#chat-reply');
        const final = `Simulated reply to: ${prompt}`;
        // Partial replies appear before the whole one: each seen text is a prefix of the final.
        const seen = new Set<string>();
        await eventually(
          async () => {
            const text = (await reply.innerText()).trim();
            if (text && !text.startsWith('Waiting')) seen.add(text);
            return text === final ? true : undefined;
          },
          20_000,
          'the whole reply',
        );
        await page.getByRole('button', { name: 'Send' }).waitFor();
        const partial = [...seen].filter((text) => text !== final);
        expect(partial.length).toBeGreaterThan(0);
        for (const text of partial) expect(final.startsWith(text)).toBe(true);
        await shot(page, 'submit-chat');
        expect(await violations()).toEqual([]);
        await context.close();
      } finally {
        stack.simulator.setLatency({ latencyMs: 0, tokenMs: 0 }, 'openai');
      }
    });

    it('transcribes audio dropped on the page and shows the transcript', async () => {
      const { context, page, violations } = await signedIn();
      await page.goto(`${stack.url}/console#/submit/audio`);
      // Speech to drop: espeak-ng's, made by a synthesize job (a tone where espeak-ng is missing).
      const synth = await stack.request(apiKey, 'POST', '/v1/jobs', {
        type: 'synthesize',
        input: { text: 'Hello world. This is a test of the voice queue.', format: 'wav' },
        constraints: { allowedProviders: { tts: [HAS_ESPEAK ? 'espeak-ng' : 'openai'] } },
      });
      await stack.waitForJob(apiKey, synth.body.id as string);
      const speech = await stack.request(apiKey, 'GET', `/v1/jobs/${synth.body.id as string}/result`);
      const wav = (speech.status === 200 ? speech.raw : sineWav(1)).toString('base64');
      const dataTransfer = await page.evaluateHandle((base64) => {
        const g = globalThis as unknown as {
          DataTransfer: new () => { items: { add(file: unknown): void } };
          File: new (parts: unknown[], name: string, options: { type: string }) => unknown;
          atob(s: string): string;
        };
        const bytes = Uint8Array.from(g.atob(base64), (c) => c.charCodeAt(0));
        const transfer = new g.DataTransfer();
        transfer.items.add(new g.File([bytes], 'tone.wav', { type: 'audio/wav' }));
        return transfer;
      }, wav);
      await page.dispatchEvent('#dropzone', 'drop', { dataTransfer });
      expect(await page.locator('#chosen-file').innerText()).toContain('tone.wav');
      await shot(page, 'submit-audio');
      await page.getByRole('button', { name: 'Transcribe' }).click();
      await page.waitForURL(/#\/jobs\/.+/);
      await page.locator('#job-status [data-status="completed"]').waitFor({ timeout: 20_000 });
      // The transcript by timed segment when the provider reports timings, else its text.
      await page.locator('#result').locator('#transcript tbody tr, #transcript-text').first().waitFor();
      // The audio sent plays beside its transcript, fetched from the API with the key.
      const sent = page.locator('#input-audio');
      await sent.waitFor();
      expect(await sent.evaluate((a) => (a as unknown as AudioElement).src)).toMatch(/^blob:/);
      expect(await page.locator('#input').innerText()).toContain('audio/wav');
      await shot(page, 'job-transcribe');
      expect(await violations()).toEqual([]);
      await context.close();
    });

    it('records from the microphone where the browser allows', async () => {
      const { context, page, violations } = await signedIn();
      await page.goto(`${stack.url}/console#/submit/audio`);
      await page.getByRole('button', { name: 'Record from the microphone' }).click();
      await page.getByRole('status').filter({ hasText: 'Recording' }).waitFor();
      await page.getByRole('button', { name: 'Stop recording' }).click();
      await page.locator('#chosen-file', { hasText: 'recording.' }).waitFor();
      expect(await violations()).toEqual([]);
      await context.close();
    });

    it('manages webhook endpoints: add (secret shown once), rotate, and redeliver from the log', async () => {
      const { context, page, violations } = await signedIn();
      await page.goto(`${stack.url}/console#/webhooks`);
      await page.getByLabel('URL').fill(receiver.url);
      await page.getByLabel('Name').fill('Order service');
      await page.getByRole('button', { name: 'Add endpoint' }).click();
      const secret = page.locator('#new-secret code');
      await secret.waitFor();
      const first = await secret.innerText();
      expect(first).toMatch(/^whsec_/);
      receiver.setSecret(first);
      const row = page.locator('#endpoints-table tbody tr', { hasText: 'Order service' });
      await row.waitFor();
      await page.getByRole('button', { name: 'Done' }).click();

      // A job's completion is delivered to the endpoint, and shows in the log.
      const submitted = await stack.request(apiKey, 'POST', '/v1/jobs', { type: 'complete', input: { messages: [{ role: 'user', content: 'hooked' }] } });
      await stack.waitForJob(apiKey, submitted.body.id as string);
      await receiver.waitFor((w) => JSON.stringify(w.body).includes(submitted.body.id as string), 15_000);
      const delivery = page.locator('#delivery-log tbody tr', { hasText: submitted.body.id as string });
      await eventually(
        async () => {
          await page.locator('#delivery-log').getByRole('button', { name: 'Refresh' }).click();
          return (await delivery.count()) > 0 && (await delivery.innerText()).includes('succeeded') ? true : undefined;
        },
        15_000,
        'the delivery in the log',
      );
      const before = receiver.received.length;
      await delivery.getByRole('button', { name: 'Redeliver' }).click();
      await page.getByRole('status').filter({ hasText: 'Redelivered job.completed' }).waitFor();
      expect(receiver.received.length).toBeGreaterThan(before);

      await row.getByRole('button', { name: 'Rotate secret' }).click();
      await secret.waitFor();
      expect(await secret.innerText()).not.toBe(first);
      expect(await page.locator('#new-secret').innerText()).toContain('previous secret keeps signing');
      await shot(page, 'webhooks');
      expect(await violations()).toEqual([]);
      await context.close();
    });

    it('runs a batch from a JSONL file: a refused upload in words, progress to completed, the output downloaded', async () => {
      const { context, page, violations } = await signedIn();
      await page.getByRole('link', { name: 'Batches' }).click();
      await page.getByRole('heading', { name: 'Batches', level: 1 }).waitFor();

      // Too large for this stack's BATCH_MAX_FILE_BYTES: the API's refusal is shown as it words it.
      const tooLarge = chatBatchFile(Array.from({ length: 30 }, (_, i) => `question number ${i} `.repeat(4)));
      expect(Buffer.byteLength(tooLarge)).toBeGreaterThan(BATCH_FILE_LIMIT);
      await page.setInputFiles('#batch-file', { name: 'big.jsonl', mimeType: 'application/jsonl', buffer: Buffer.from(tooLarge) });
      await page.getByRole('button', { name: 'Create batch' }).click();
      const refusal = page.getByRole('alert').filter({ hasText: 'The batch was not created' });
      await refusal.waitFor();
      expect(await refusal.innerText()).toContain(`larger than the limit of ${BATCH_FILE_LIMIT} bytes`);

      await page.setInputFiles('#batch-file', {
        name: 'questions.jsonl',
        mimeType: 'application/jsonl',
        buffer: Buffer.from(chatBatchFile(['one', 'two', 'three'])),
      });
      expect(await page.locator('#batch-chosen-file').innerText()).toContain('questions.jsonl');
      await page.getByLabel('Endpoint').selectOption('/v1/chat/completions');
      await page.getByRole('button', { name: 'Create batch' }).click();
      await page.waitForURL(/#\/batches\/.+/);
      const id = decodeURIComponent(page.url().split('#/batches/')[1] ?? '');
      expect(id).not.toBe('');
      // No reload: the page reads the batch again until it is final.
      await page.locator('#batch-status [data-status="completed"]').waitFor({ timeout: 30_000 });
      const bar = page.getByRole('progressbar', { name: 'Requests answered' });
      expect(await bar.evaluate((p) => [(p as unknown as { value: number }).value, (p as unknown as { max: number }).max])).toEqual([3, 3]);
      expect(await page.locator('#batch-progress').innerText()).toContain('3 of 3');
      await shot(page, 'batch');

      // The output comes through fetch with the key in a header, saved from a blob: URL.
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download output' }).click()]);
      expect(download.url()).toMatch(/^blob:/);
      expect(download.suggestedFilename()).toBe(`${id}-output.jsonl`);
      const output = readFileSync(await download.path(), 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { custom_id: string; response: { status_code: number } });
      expect(output.map((line) => line.custom_id).sort()).toEqual(['q1', 'q2', 'q3']);
      expect(output.every((line) => line.response.status_code === 200)).toBe(true);
      expect(await page.getByRole('button', { name: 'Cancel batch' }).count()).toBe(0);

      // The list, newest first, with the bar full.
      await page.getByRole('link', { name: 'Batches', exact: true }).first().click();
      const row = page.locator('#batches-table tbody tr').first();
      await row.waitFor();
      expect(await row.getAttribute('data-batch-id')).toBe(id);
      expect(await row.locator('[data-status]').getAttribute('data-status')).toBe('completed');
      const listed = row.getByRole('progressbar');
      expect(await listed.evaluate((p) => (p as unknown as { value: number }).value)).toBe(3);
      expect(await violations()).toEqual([]);
      await context.close();
    });

    it('shows why a dropped batch file failed validation', async () => {
      const { context, page, violations } = await signedIn();
      await page.goto(`${stack.url}/console#/batches`);
      // Chat lines sent to the embeddings endpoint: every line's url must be the batch's.
      const dataTransfer = await page.evaluateHandle(
        (text) => {
          const g = globalThis as unknown as {
            DataTransfer: new () => { items: { add(file: unknown): void } };
            File: new (parts: unknown[], name: string, options: { type: string }) => unknown;
          };
          const transfer = new g.DataTransfer();
          transfer.items.add(new g.File([text], 'mismatch.jsonl', { type: 'application/jsonl' }));
          return transfer;
        },
        chatBatchFile(['one', 'two']),
      );
      await page.dispatchEvent('#batch-dropzone', 'drop', { dataTransfer });
      expect(await page.locator('#batch-chosen-file').innerText()).toContain('mismatch.jsonl');
      await page.getByLabel('Endpoint').selectOption('/v1/embeddings');
      await page.getByRole('button', { name: 'Create batch' }).click();
      await page.waitForURL(/#\/batches\/.+/);
      await page.locator('#batch-status [data-status="failed"]').waitFor({ timeout: 30_000 });
      await page.locator('#batch-errors li').first().waitFor();
      expect(await page.locator('#batch-errors').innerText()).toContain('line 1');
      // None ran: no bar to fill, and nothing to cancel or download.
      expect(await page.locator('#batch-progress').innerText()).toContain('No requests run');
      expect(await page.getByRole('button', { name: /Cancel batch|Download/ }).count()).toBe(0);
      await shot(page, 'batch-failed');
      expect(await violations()).toEqual([]);
      await context.close();
    });

    it('cancels a running batch from its page', async () => {
      const { context, page, violations } = await signedIn();
      await page.goto(`${stack.url}/console#/batches`);
      await page.getByRole('heading', { name: 'Batches', level: 1 }).waitFor();
      // The provider takes its time (within PROVIDER_TIMEOUT_MS), so the batch is still running when Cancel is pressed.
      stack.simulator.setLatency({ latencyMs: 4_000, tokenMs: 0 }, 'openai');
      try {
        const file = new FormData();
        file.append('purpose', 'batch');
        file.append('file', new Blob([chatBatchFile(['slow one', 'slow two'])]), 'slow.jsonl');
        const uploaded = (await (
          await fetch(`${stack.url}/v1/files`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}` }, body: file })
        ).json()) as {
          id: string;
        };
        const created = await stack.request(apiKey, 'POST', '/v1/batches', {
          input_file_id: uploaded.id,
          endpoint: '/v1/chat/completions',
          completion_window: '24h',
        });
        const id = created.body.id as string;
        // A change of fragment, not a new load: the batch's page opens at once.
        await page.evaluate((hash) => ((globalThis as unknown as ConsoleWindow).location.hash = hash), `#/batches/${id}`);
        await page.getByRole('button', { name: 'Cancel batch' }).click();
        await page.locator('#batch-status [data-status="cancelled"]').waitFor({ timeout: 30_000 });
        expect(await page.getByRole('button', { name: 'Cancel batch' }).count()).toBe(0);
        const counts = await stack.request(apiKey, 'GET', `/v1/batches/${id}`);
        const { total, completed, failed } = counts.body.request_counts as { total: number; completed: number; failed: number };
        expect(completed + failed).toBe(total);
      } finally {
        stack.simulator.setLatency({ latencyMs: 0, tokenMs: 0 }, 'openai');
      }
      expect(await violations()).toEqual([]);
      await context.close();
    });

    it('pages the batches: a page at a time, older ones with Load more, each once', async () => {
      // More batches than a page (20) holds: small inline ones (one job each) made through the API.
      const listed = async () => (await stack.request(apiKey, 'GET', '/v1/batches?limit=100')).body.data as Array<{ id: string }>;
      const before = (await listed()).length;
      for (let i = before; i < 23; i++) {
        const made = await stack.request(apiKey, 'POST', '/v1/batches', { jobs: [{ type: 'embed', input: { input: `batch ${i}` } }] });
        expect(made.status).toBe(202);
      }
      const all = (await listed()).map((b) => b.id);
      expect(all.length).toBeGreaterThanOrEqual(23);
      const { context, page, violations } = await signedIn();
      await page.goto(`${stack.url}/console#/batches`);
      const rows = page.locator('#batches-table tbody tr');
      await rows.nth(19).waitFor();
      expect(await rows.count()).toBe(20);
      const more = page.getByRole('button', { name: 'Load more' });
      await shot(page, 'batches');
      await more.click();
      await rows.nth(20).waitFor();
      await eventually(async () => ((await more.count()) === 0 ? true : undefined), 10_000, 'the last page');
      const ids = await rows.evaluateAll((trs) => trs.map((tr) => (tr as unknown as { dataset: { batchId: string } }).dataset.batchId));
      expect(ids).toEqual(all);
      expect(await violations()).toEqual([]);
      await context.close();
    });

    it('shows the job page of a finished job with its webhook delivery, and usage against the allowance', async () => {
      const submitted = await stack.request(apiKey, 'POST', '/v1/jobs', {
        type: 'complete',
        input: { messages: [{ role: 'user', content: 'with its own webhook' }] },
        webhook: { url: receiver.url },
      });
      const id = submitted.body.id as string;
      await stack.waitForJob(apiKey, id);
      const { context, page, violations } = await signedIn();
      await page.goto(`${stack.url}/console#/jobs/${id}`);
      await page.locator('#reply-text', { hasText: 'Simulated reply to: with its own webhook' }).waitFor();
      await eventually(
        async () => {
          await page.locator('#deliveries').getByRole('button', { name: 'Refresh' }).click();
          return (await page.locator('#deliveries tbody tr').count()) > 0 ? true : undefined;
        },
        15_000,
        'the job delivery',
      );
      // Submitted through the API, not this tab: the page shows the chat it was sent.
      const messages = page.locator('#input-messages li');
      await messages.first().waitFor();
      expect(await messages.count()).toBe(1);
      expect(await messages.first().innerText()).toContain('with its own webhook');
      await shot(page, 'job-complete');

      // An embed job's texts, also sent through the API.
      const embed = await stack.request(apiKey, 'POST', '/v1/jobs', { type: 'embed', input: { input: ['first text', 'second text'], dimensions: 8 } });
      await page.goto(`${stack.url}/console#/jobs/${embed.body.id as string}`);
      await page.locator('#input-texts li').nth(1).waitFor();
      expect(await page.locator('#input-texts li').allInnerTexts()).toEqual(['first text', 'second text']);

      // An image job: its prompt, and its pictures fetched with the key and shown from blob: URLs.
      const image = await stack.request(apiKey, 'POST', '/v1/jobs', { type: 'image', input: { prompt: 'two small squares', n: 2 } });
      await stack.waitForJob(apiKey, image.body.id as string);
      await page.goto(`${stack.url}/console#/jobs/${image.body.id as string}`);
      await page.locator('#input-prompt', { hasText: 'two small squares' }).waitFor();
      const pictures = page.locator('#result-images img');
      await pictures.nth(1).waitFor();
      for (const picture of await pictures.all()) {
        expect(await picture.getAttribute('src')).toMatch(/^blob:/);
        await eventually(
          async () => ((await picture.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)) > 0 ? true : undefined),
          10_000,
          'the picture decoded',
        );
      }
      await shot(page, 'job-image');

      await page.getByRole('link', { name: 'Usage' }).click();
      await page.locator('#usage-jobs .stat').waitFor();
      expect(Number((await page.locator('#usage-jobs .stat').innerText()).split(/\D/)[0])).toBeGreaterThan(0);
      expect(await page.locator('#usage-jobs').innerText()).toContain('of 500');
      expect(await page.locator('#usage-rate').innerText()).toContain('100/s');
      await shot(page, 'usage');
      expect(await violations()).toEqual([]);
      await context.close();
    });
  });

  it.runIf(!CHROMIUM)('says the browser tests were skipped: no chromium binary (apt-get install -y chromium, or set CHROMIUM_PATH)', () => {
    console.warn('console: no chromium binary at /usr/bin/chromium (or CHROMIUM_PATH): the headless-browser tests were skipped.');
  });
});
