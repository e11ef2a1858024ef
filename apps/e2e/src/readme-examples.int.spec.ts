import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatedStack, startWebhookReceiver, type SimulatedStack, type WebhookReceiver, redisEnv } from '@voxq/testing';
import { readmeBlock, readmeText, RUN_JS, runPasted } from './readme-blocks';

/**
 * The README's examples after its walk-through, each run as pasted in the walk-through's shell
 * against a running stack: only `VOXQ_URL` differs, with the key, webhook secret and receiver
 * (`KEY`, `SECRET`, `HOOK`) the walk-through leaves there, and the Redis `npm run keys`
 * would find in .env. The JavaScript ones run with the command the README gives; the `@voxq/sdk`
 * and `voxq` ones run where the packages are installed (packages.int.spec.ts).
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

  it('gives the command these tests run the JavaScript examples with', () => {
    expect(readmeText()).toContain(`\`${RUN_JS}\``);
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

  it("draws an image as base64 and another as a presigned URL through OpenAI's SDK", async () => {
    const { code, output } = await runJs('openai-images');
    expect(code, output).toBe(0);
    expect(output).toMatch(/^PNG$/m);
    expect(output).toMatch(/^\/.*-0\.png$/m);
  });

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
