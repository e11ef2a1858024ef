import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appProcessEnv, bundleApps, eventually, freePort, spawnRedisServer, testConfig, type AppBundles, type TestRedis, eachLine } from '@voxq/testing';

/**
 * The worker and dispatcher apps, bundled as `npm run build` does and run as child processes
 * on a Redis the test owns: while it is down, everything they print is a JSON log line (no raw
 * `[ioredis] Unhandled error event` stacks), and they say when it is back.
 */
type App = 'worker' | 'dispatcher';
const APPS: App[] = ['worker', 'dispatcher'];
let bundles: AppBundles;
const appPath = (app: App) => bundles.path(app);

interface AppProcess {
  child: ChildProcess;
  /** Every line the process wrote to stdout or stderr, in order. */
  lines: string[];
}

function startApp(app: App, env: NodeJS.ProcessEnv): AppProcess {
  const child = spawn(process.execPath, [appPath(app)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) eachLine(stream, (line) => line.trim() && lines.push(line));
  return { child, lines };
}

const isJson = (line: string) => {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
};
const messages = (p: AppProcess) => p.lines.filter(isJson).map((l) => (JSON.parse(l) as { msg: string }).msg);

describe('worker and dispatcher while Redis is down', () => {
  let port: number;
  let redis: TestRedis | null = null;
  const apps: AppProcess[] = [];

  beforeAll(async () => {
    bundles = await bundleApps(APPS, 'redis-outage');
    port = await freePort();
    redis = await spawnRedisServer(port);
  });
  afterAll(async () => {
    for (const app of apps) app.child.kill('SIGKILL');
    await redis?.stop();
    await bundles?.remove();
  });

  it('print only JSON lines through an outage and say when Redis is back', async () => {
    const config = testConfig({ REDIS_URL: redis!.url });
    // Nothing answers at the provider's address: no job runs here, only the connections matter.
    const env = appProcessEnv(config, { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' });
    apps.push(...APPS.map((app) => startApp(app, env)));
    // Started: each has opened its connections (the worker's and dispatcher's own start lines).
    await eventually(() => (apps.every((a) => messages(a).some((m) => /started|listening|ready/.test(m))) ? true : undefined), 45_000, 'the apps to start');

    await redis!.stop();
    redis = null;
    // Each reports the outage; ioredis keeps retrying meanwhile (an error per attempt).
    await eventually(() => (apps.every((a) => messages(a).includes('redis unavailable')) ? true : undefined), 30_000, "'redis unavailable' from each app");
    // Let several reconnect attempts (every 2 s at most) fail while it stays down: each used
    // to print a raw stack. A wait for output to accumulate, not a timing assertion.
    await new Promise((resolve) => setTimeout(resolve, 5_000));

    redis = await spawnRedisServer(port);
    await eventually(() => (apps.every((a) => messages(a).includes('redis reconnected')) ? true : undefined), 45_000, "'redis reconnected' from each app");
    for (const app of apps) {
      expect(app.lines.filter((l) => !isJson(l))).toEqual([]);
      const logged = app.lines.map((l) => JSON.parse(l) as { level: number; msg: string; connection?: string });
      // Once per connection per outage, not once per reconnect attempt; no error-level stacks.
      const outage = logged.filter((l) => l.msg === 'redis unavailable');
      expect(new Set(outage.map((l) => l.connection)).size).toBe(outage.length);
      expect(logged.filter((l) => l.level >= 50).map((l) => l.msg)).toEqual([]);
      expect(app.child.exitCode).toBeNull();
    }
  });
});
