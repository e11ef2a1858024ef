// Redis for the benchmark: find one (or start a private one), read the counters that say
// what a run cost Redis, and delete a run's keys afterwards.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, redisAnswers } from '../lib/net.mjs';
import { start } from './processes.mjs';

/**
 * The Redis URL to use: REDIS_URL when it answers, else a private redis-server on a free
 * port (no persistence: a benchmark's data is thrown away), stopped with the other children.
 */
export async function ensureRedis(url) {
  if (await redisAnswers(url)) return { url, source: url };
  if (spawnSync('redis-server', ['--version']).error) {
    throw new Error(`No Redis answers at ${url} and redis-server is not installed (apt-get install -y redis-server).`);
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'voxq-bench-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'];
  start('redis-server', 'redis-server', args);
  const privateUrl = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 50; i++) {
    if (await redisAnswers(privateUrl)) return { url: privateUrl, source: `private redis-server on port ${port}` };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('redis-server did not start.');
}

/** Calls per command and Redis's own CPU seconds, to diff around a measured phase. */
export async function redisCounters(redis) {
  const [stats, cpu] = await Promise.all([redis.info('commandstats'), redis.info('cpu')]);
  const calls = {};
  const usec = {};
  for (const [, name, n, us] of stats.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) {
    calls[name] = Number(n);
    usec[name] = Number(us);
  }
  const num = (key) => Number(new RegExp(`^${key}:([\\d.]+)`, 'm').exec(cpu)?.[1] ?? 0);
  return { calls, usec, cpuSeconds: num('used_cpu_user') + num('used_cpu_sys') };
}

/**
 * Commands per job between two snapshots, most frequent first, and Redis's time per job by
 * command (a script's `evalsha` time includes the commands it runs, which are also counted
 * on their own). One Redis may serve others too: their commands land here as well.
 */
export function commandsPerJob(before, after, jobs) {
  const perJob = {};
  const usecPerJob = {};
  let total = 0;
  for (const [name, n] of Object.entries(after.calls)) {
    const delta = n - (before.calls[name] ?? 0);
    if (delta <= 0) continue;
    perJob[name] = delta / jobs;
    usecPerJob[name] = (after.usec[name] - (before.usec[name] ?? 0)) / jobs;
    if (name !== 'evalsha' && name !== 'eval') total += delta / jobs;
  }
  const sorted = (o) => Object.fromEntries(Object.entries(o).sort((a, b) => b[1] - a[1]));
  return {
    perJob: sorted(perJob),
    usecPerJob: sorted(usecPerJob),
    totalExcludingScripts: total,
    cpuMsPerJob: ((after.cpuSeconds - before.cpuSeconds) * 1000) / jobs,
  };
}

/** Deletes every key under `prefix:` (SCAN + UNLINK); returns how many. */
export async function deletePrefix(redis, prefix) {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}
