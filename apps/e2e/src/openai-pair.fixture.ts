import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { startSimulatedStack, startWebhookReceiver, type SimulatedStack, type WebhookReceiver } from '@voxq/testing';

/** A stack with two providers of a capability, a tenant's key on it, its webhook receiver, and the official SDK. */
export interface OpenAiPair {
  stack: SimulatedStack;
  apiKey: string;
  receiver: WebhookReceiver;
  client: OpenAI;
  close(): Promise<void>;
}

/**
 * A stack whose providers are OpenAI (the simulator's `/openai/v1`) and a compatible server
 * named `local` on the simulator's `/groq` mount, serving chat (`llama3.2`) and what `models`
 * names besides (`embeddingModel`, `imageModel`): so a failing provider has another to fail
 * over to. The breaker stays shut (100 failures), so a test's injected faults only fail over.
 */
export async function startOpenAiPair(tenant: string, models: Record<string, string>): Promise<OpenAiPair> {
  const dir = mkdtempSync(join(tmpdir(), `voxq-e2e-${tenant}-`));
  const file = join(dir, 'voxq.json');
  const stack = await startSimulatedStack((sim) => {
    writeFileSync(file, JSON.stringify({ compatible: [{ name: 'local', baseUrl: sim.baseUrlFor('groq'), model: 'llama3.2', ...models }] }));
    return { VOXQ_CONFIG_FILE: file, PROVIDER_BREAKER_FAILURES: '100' };
  });
  const key = await stack.createKey(tenant);
  const receiver = await startWebhookReceiver({ secret: key.webhookSecret });
  return {
    stack,
    apiKey: key.apiKey,
    receiver,
    client: new OpenAI({ baseURL: `${stack.url}/v1`, apiKey: key.apiKey, maxRetries: 0 }),
    async close() {
      await receiver.close();
      await stack.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
