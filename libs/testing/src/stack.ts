import { startApiProcess } from '@voxq/api';
import { ApiKeyStore } from '@voxq/auth';
import type { Config } from '@voxq/config';
import { startWorkerProcess } from '@voxq/jobs';
import { createLogger, type Logger } from '@voxq/logging';
import { watchRedisConnection } from '@voxq/process';
import { createCommandConnection } from '@voxq/queues';
import { startSimulator, type Simulator } from '@voxq/simulator';
import { startDispatcherProcess } from '@voxq/tool-calls';
import { cleanupPrefix, eventually, testConfig } from './test-env';

export interface TestStack {
  /** The API's base URL. */
  url: string;
  config: Config;
  logger: Logger;
  /** Creates a tenant's API key; returns the key and the tenant's webhook secret. */
  createKey(tenantId: string): Promise<{ apiKey: string; webhookSecret: string }>;
  /** Calls the API with a key; JSON bodies are encoded, JSON responses decoded. */
  request(apiKey: string | null, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<TestResponse>;
  /** Stops this stack's worker (as if its process went away); the rest keeps running. */
  stopWorker(): Promise<void>;
  /** Polls the job until it is completed, failed or cancelled; returns its last view. */
  waitForJob(apiKey: string, id: string, timeoutMs?: number): Promise<TestResponse['body']>;
  close(): Promise<void>;
}

export interface SimulatedStack extends TestStack {
  simulator: Simulator;
}

export interface TestResponse {
  status: number;
  headers: Headers;
  // Tests assert on shapes; the JSON is whatever the API sent.
  body: Record<string, unknown> & { error?: { type: string; code: string; message: string; param: string | null } };
  raw: Buffer;
}

/**
 * The three voxq processes (api, worker, dispatcher) running in this test process against
 * the test's Redis prefix: real queues, real Redis, real HTTP.
 */
export interface StackOptions {
  /** Run the worker (default true); off to see jobs stay queued. */
  worker?: boolean;
  /** Run the dispatcher (default true). */
  dispatcher?: boolean;
  /** Where every process's log lines go (default stdout): a test reads what was logged. */
  logDestination?: NodeJS.WritableStream;
}

export async function startStack(config: Config, options: StackOptions = {}): Promise<TestStack> {
  const logger = createLogger({ name: 'test', level: config.log.level, ...(options.logDestination ? { destination: options.logDestination } : {}) });
  // The test's own connection, for creating keys (as an operator's CLI would).
  const redis = createCommandConnection(config.redis, { connectionName: 'voxq:test:keys' });
  watchRedisConnection(redis, logger, 'voxq:test:keys');
  const keys = new ApiKeyStore(redis, config.redis.prefix);
  // Each process as its app starts it (the same composition roots), in this one test process.
  const api = await startApiProcess(config, logger);
  let worker = options.worker === false ? null : await startWorkerProcess(config, logger);
  const dispatcher = options.dispatcher === false ? null : await startDispatcherProcess(config, logger);

  const request: TestStack['request'] = async (apiKey, method, path, body, headers = {}) => {
    const isRaw = Buffer.isBuffer(body) || typeof body === 'string';
    const response = await fetch(`${api.url}${path}`, {
      method,
      headers: {
        ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
        ...(body !== undefined && !isRaw ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body === undefined ? {} : { body: isRaw ? (body as NonNullable<RequestInit['body']>) : JSON.stringify(body) }),
    });
    const raw = Buffer.from(await response.arrayBuffer());
    const isJson = response.headers.get('content-type')?.includes('json');
    return { status: response.status, headers: response.headers, body: isJson ? JSON.parse(raw.toString()) : {}, raw };
  };

  return {
    url: api.url,
    config,
    logger,
    async createKey(tenantId) {
      const created = await keys.create(tenantId);
      return { apiKey: created.apiKey, webhookSecret: created.webhookSecret };
    },
    request,
    async stopWorker() {
      await worker?.close();
      worker = null;
    },
    waitForJob(apiKey, id, timeoutMs = 30_000) {
      return eventually(
        async () => {
          const res = await request(apiKey, 'GET', `/v1/jobs/${id}`);
          return ['completed', 'failed', 'cancelled'].includes(res.body.status as string) ? res.body : undefined;
        },
        timeoutMs,
        `job ${id} to finish`,
      );
    },
    async close() {
      // A deadline, as a process's shutdown has: a job still running is handed back rather than
      // awaited (on a Redis Cluster BullMQ's drain can otherwise wait for ever: bullmq#4065).
      // The dispatcher and the API get one too: a delivery or a streamed answer (a browser's
      // event stream) still in flight is cut at the deadline, not awaited past the hook's timeout.
      await worker?.close(AbortSignal.timeout(10_000));
      await dispatcher?.close(AbortSignal.timeout(10_000));
      await api.close(AbortSignal.timeout(10_000));
      redis.disconnect();
    },
  };
}

/**
 * A stack whose LLM provider is a provider simulator of its own (faults queued on it reach
 * only this stack's jobs). `close` also stops the simulator and deletes the test's keys.
 */
export async function startSimulatedStack(
  env: Record<string, string> | ((simulator: Simulator) => Record<string, string>) = {},
  options: StackOptions = {},
): Promise<SimulatedStack> {
  const simulator = await startSimulator({ port: 0 });
  const extra = typeof env === 'function' ? env(simulator) : env;
  const stack = await startStack(testConfig({ OPENAI_API_KEY: 'sk-sim-test', OPENAI_BASE_URL: simulator.baseUrl, ...extra }), options);
  return {
    ...stack,
    simulator,
    async close() {
      await stack.close();
      await simulator.close();
      await cleanupPrefix(stack.config);
    },
  };
}
