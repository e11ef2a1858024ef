// The chaos suite's own redis-server: a free port, a temporary directory, AOF on, and a
// restart that is a crash (SIGKILL), not a polite SHUTDOWN.
//
// Why `--appendfsync always`: with `everysec` a hard kill may lose up to a second of acknowledged
// writes (job records, BullMQ state), and the suite would then report losses that are Redis's
// configured durability, not voxq's. `always` fsyncs each write before it is acknowledged, so
// a SIGKILL loses nothing that any app was told had succeeded, and the restart still exercises
// every app's reconnection the hard way (connections reset, no goodbye). Production runs
// `everysec` (infra/redis/redis.conf) and restarts with SHUTDOWN, which fsyncs first.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { start } from '../bench/processes.mjs';
import { freePort, redisAnswers } from '../lib/net.mjs';
import { sleep } from '../bench/wait.mjs';

export async function startChaosRedis() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'voxq-chaos-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--appendonly',
    'yes',
    '--appendfsync',
    'always',
    '--save',
    '',
    '--maxmemory-policy',
    'noeviction',
  ];
  let child;
  const launch = async () => {
    child = start('redis-server', 'redis-server', args);
    for (let i = 0; i < 100; i++) {
      if (await redisAnswers(url)) return;
      if (child.exitCode !== null) break;
      await sleep(50);
    }
    throw new Error(`redis-server did not start on port ${port}:\n${child.tail}`);
  };
  await launch();
  return {
    url,
    port,
    dir,
    get pid() {
      return child.pid;
    },
    /** SIGKILL, wait `downMs`, start again on the same port and data; resolves with the outage in ms. */
    async crashAndRestart(downMs = 500) {
      const t0 = performance.now();
      child.kill('SIGKILL');
      await child.exited;
      await sleep(downMs);
      await launch();
      return Math.round(performance.now() - t0);
    },
    /** Call after every app has stopped (stopAll stops the process itself). */
    removeData: () => rmSync(dir, { recursive: true, force: true }),
  };
}
