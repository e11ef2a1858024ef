import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

export interface TestRedis {
  url: string;
  /** How it was found, printed once so a failing run says what it ran against. */
  source: string;
  stop(): Promise<void>;
}

async function answers(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    // A probe: whatever the failure, nothing usable answers there.
    return false;
  } finally {
    client.disconnect();
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export async function hasContainerRuntime(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false; // "Could not find a working container runtime strategy": no engine here.
  }
}

async function startRedisServer(): Promise<TestRedis> {
  return spawnRedisServer(await freePort());
}

/**
 * A `redis-server` of the test's own on `port` (no persistence): a test that stops Redis and
 * starts it again on the same port (an outage its clients reconnect through) owns it alone.
 */
export async function spawnRedisServer(port: number): Promise<TestRedis> {
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 50; i++) {
    const failed = await Promise.race([spawnError, new Promise<null>((r) => setTimeout(() => r(null), 100))]);
    if (failed) throw failed;
    if (await answers(url)) {
      // Stopped once the process has exited, so the port is free for a restart.
      const exited = new Promise<void>((resolve) => (child.exitCode === null ? child.once('exit', () => resolve()) : resolve()));
      return { url, source: `redis-server started on port ${port}`, stop: async () => void (child.kill('SIGTERM'), await exited) };
    }
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server did not answer on port ${port}`);
}

/**
 * A real Redis for the integration tests, found in this order: `REDIS_URL`; a container
 * (testcontainers) where a Docker engine runs; a server already answering on 127.0.0.1:6379;
 * a private `redis-server` on a free port.
 */
export async function resolveTestRedis(env = process.env): Promise<TestRedis> {
  if (env.REDIS_URL) {
    if (!(await answers(env.REDIS_URL))) throw new Error(`REDIS_URL=${env.REDIS_URL} does not answer PING`);
    return { url: env.REDIS_URL, source: 'REDIS_URL', stop: async () => undefined };
  }
  if (await hasContainerRuntime()) {
    const { RedisContainer } = await import('@testcontainers/redis');
    const container = await new RedisContainer('redis:7-alpine').start();
    return { url: container.getConnectionUrl(), source: 'testcontainers redis:7-alpine', stop: async () => void (await container.stop()) };
  }
  const local = 'redis://127.0.0.1:6379';
  if (await answers(local)) return { url: local, source: 'redis already running on 127.0.0.1:6379', stop: async () => undefined };
  try {
    return await startRedisServer();
  } catch (error) {
    throw new Error(
      'No Redis for the integration tests. Set REDIS_URL, run a Docker engine, start Redis on 127.0.0.1:6379, ' +
        `or install redis-server (apt-get install -y redis-server). (${(error as Error).message})`,
    );
  }
}
