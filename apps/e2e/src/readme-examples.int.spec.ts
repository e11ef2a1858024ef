import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, freePort, startSimulatedStack, startWebhookReceiver, type SimulatedStack, type WebhookReceiver, redisEnv } from '@voxq/testing';
import { readmeBlock, readmeText, RUN_JS, RUN_SDK_TS, runPasted, startPasted } from './readme-blocks';

/**
 * The README's examples after its walk-through, each run as pasted in the walk-through's shell
 * against a running stack: only `VOXQ_URL` differs, with the key, webhook secret and receiver
 * (`KEY`, `SECRET`, `HOOK`) the walk-through leaves there, and the Redis `npm run keys`
 * would find in .env. The JavaScript and TypeScript ones run with the commands the README gives.
 */
describe('README: the examples after the walk-through', () => {
  let stack: SimulatedStack;
  let receiver: WebhookReceiver;
  let env: NodeJS.ProcessEnv;
  let secret: string;

  beforeAll(async () => {
    stack = await startSimulatedStack();
    // The walk-through's tenant: the examples' drop-rule prefixes are its folder.
    const key = await stack.createKey('demo');
    secret = key.webhookSecret;
    receiver = await startWebhookReceiver({ secret });
    env = {
      ...process.env,
      VOXQ_URL: stack.url,
      KEY: key.apiKey,
      SECRET: key.webhookSecret,
      HOOK: receiver.url,
      ...redisEnv(stack.config),
    };
  });
  afterAll(async () => {
    await receiver?.close();
    await stack?.close();
  });

  const pasted = (name: string, lang: string) => {
    const block = readmeBlock(name);
    expect(block.lang).toBe(lang);
    return block.source;
  };
  const runJs = (name: string) => runPasted(RUN_JS, { env, input: pasted(name, 'js') });
  const runSdkTs = (name: string, extraEnv: NodeJS.ProcessEnv = {}) => runPasted(RUN_SDK_TS, { env: { ...env, ...extraEnv }, input: pasted(name, 'ts') });

  it('gives the commands these tests run the JavaScript and TypeScript examples with', () => {
    expect(readmeText()).toContain(`\`${RUN_JS}\``);
    expect(readmeText()).toContain(`\`${RUN_SDK_TS}\``);
  });

  it("streams a chat completion through OpenAI's SDK", async () => {
    const { code, output } = await runJs('openai-stream');
    expect(code, output).toBe(0);
    expect(output).toContain('Simulated reply to: Write a haiku about queues.');
  });

  it('streams a chat completion to curl as server-sent events', async () => {
    const { code, output } = await runPasted(pasted('curl-stream', 'sh'), { env });
    expect(code, output).toBe(0);
    expect(output).toContain('"object":"chat.completion.chunk"');
    expect(output.trimEnd()).toMatch(/data: \[DONE\]$/);
  });

  it("makes speech, transcribes and translates it, and lists files through OpenAI's SDK", async () => {
    const { code, output } = await runJs('openai-audio');
    expect(code, output).toBe(0);
    expect(output).toContain('audio/ogg');
    expect(output).toMatch(/Simulated transcript/);
    expect(output).toMatch(/word: /);
  });

  it("embeds two texts through OpenAI's SDK", async () => {
    const { code, output } = await runJs('openai-embeddings');
    expect(code, output).toBe(0);
    expect(output).toMatch(/^256 \d+$/m);
  });

  it('runs the @voxq/sdk example: a job, its audio transcribed back, a batch and a typed error', async () => {
    const { code, output } = await runSdkTs('voxq-sdk');
    expect(code, output).toBe(0);
    expect(output).toMatch(/^completed$/m);
    expect(output).toMatch(/^batch_\w+ completed$/m);
    expect(output).toMatch(/^404 job_not_found$/m);
  }, 120_000);

  it("runs the @voxq/sdk webhook receiver: a delivery signed with the tenant's secret passes, a forged one does not", async () => {
    const port = await freePort();
    const body = JSON.stringify({ id: 'evt_readme', type: 'job.completed', timestamp: new Date().toISOString(), data: {} });
    const post = (signedWith: string) => {
      const id = `msg_${signedWith.length}`;
      const timestamp = new Date();
      const signature = new Webhook(signedWith).sign(id, timestamp, body);
      return fetch(`http://127.0.0.1:${port}/hooks`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
          'webhook-signature': signature,
        },
        body,
      });
    };
    const running = startPasted(RUN_SDK_TS, { env: { ...env, PORT: String(port) }, input: pasted('voxq-sdk-webhooks', 'ts') });
    try {
      const genuine = await eventually(() => post(secret).catch(() => undefined), 60_000, 'the receiver to listen');
      expect(genuine.status).toBe(204);
      expect((await post(`whsec_${Buffer.from('not the tenant secret').toString('base64')}`)).status).toBe(401);
    } finally {
      // It serves until stopped, as Ctrl-C would.
      running.stop();
    }
    const { output } = await running.done;
    expect(output).toContain('job.completed evt_readme');
    expect(output).toMatch(/refused: /);
  }, 120_000);

  it('runs the npx voxq commands', async () => {
    // Each `npx` start costs seconds on a busy machine, and the block makes a dozen.
    const { code, output } = await runPasted(pasted('voxq-cli', 'sh'), { env, timeoutMs: 240_000 });
    expect(code, output).toBe(0);
    expect(output).toMatch(/Saved \d+ bytes \(audio\/wav\) to .*\/hello\.wav/);
    expect(output).toMatch(/"type":"complete","status":"completed"/);
    expect(output).toMatch(/"type":"transcribe","status":"completed"/);
    expect(output).toMatch(/^Deleted dr_[0-9a-f]+\.$/m);
  }, 300_000);

  it('runs the Batch API walk-through: a JSONL file in, one output line per custom_id', async () => {
    const { code, output } = await runPasted(pasted('batches-walkthrough', 'sh'), { env });
    expect(code, output).toBe(0);
    expect(output).toMatch(/^completed \{.*total: 2, completed: 2, failed: 0/m);
    expect(output).toMatch(/"custom_id":"q1".*"object":"chat.completion"/);
    expect(output).toMatch(/"custom_id":"q2".*"object":"chat.completion"/);
  }, 120_000);

  it("runs the inline batch: its batch.completed reaches the walk-through's receiver, signed", async () => {
    const { code, output } = await runPasted(pasted('batch-webhook', 'sh'), { env });
    expect(code, output).toBe(0);
    const batchId = (JSON.parse(output) as { id: string }).id;
    const webhook = await receiver.waitFor((w) => (w.body as { type?: string; data?: { id?: string } }).data?.id === batchId, 60_000);
    expect(webhook.verified).toBe(true);
    expect((webhook.body as { type: string }).type).toBe('batch.completed');
  }, 120_000);
});
