// `npm run test:cluster`: the integration suite against a Redis Cluster. With
// TEST_REDIS_CLUSTER_NODES set it uses that cluster; otherwise it starts a local one of six
// redis-server nodes (three masters, each with a replica; free ports, data in a temporary
// folder), runs `vitest --project integration` on it, and stops it. Extra arguments go to
// vitest (a file filter, `-t`). Tests that need a Redis of their own (to stop it, or to start
// voxq on it) still start one; everything else runs on the cluster, each test under a
// hash-tagged prefix (libs/testing/src/test-env.ts).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, redisAnswers } from './lib/net.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts six cluster-enabled nodes and joins them; returns their addresses and a stop function. */
async function startLocalCluster() {
  const dir = mkdtempSync(join(tmpdir(), 'voxq-cluster-'));
  const ports = [];
  for (let i = 0; i < 6; i++) ports.push(await freePort());
  for (const port of ports) {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`];
    const started = spawnSync('redis-server', [
      ...args,
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'yes',
      '--logfile',
      join(dir, `${port}.log`),
    ]);
    if (started.status !== 0) throw new Error(`redis-server on ${port} did not start: ${started.stderr}`);
  }
  for (const port of ports) {
    for (let i = 0; i < 50 && !(await redisAnswers(`redis://127.0.0.1:${port}`)); i++) await sleep(100);
  }
  const nodes = ports.map((port) => `127.0.0.1:${port}`);
  const created = spawnSync('redis-cli', ['--cluster', 'create', ...nodes, '--cluster-replicas', '1', '--cluster-yes'], { encoding: 'utf8' });
  if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
  // Every node must agree before the suite starts: gossip takes a moment after the create.
  for (let i = 0; i < 100; i++) {
    const states = ports.map((port) => spawnSync('redis-cli', ['-p', String(port), 'cluster', 'info'], { encoding: 'utf8' }).stdout);
    if (states.every((info) => info.includes('cluster_state:ok'))) break;
    await sleep(200);
  }
  const stop = () => {
    for (const port of ports) spawnSync('redis-cli', ['-p', String(port), 'shutdown', 'nosave']);
    rmSync(dir, { recursive: true, force: true });
  };
  return { nodes: nodes.join(','), stop };
}

const given = process.env.TEST_REDIS_CLUSTER_NODES;
const cluster = given ? { nodes: given, stop: () => undefined } : await startLocalCluster();
console.log(`test:cluster: Redis Cluster ${cluster.nodes}${given ? ' (TEST_REDIS_CLUSTER_NODES)' : ' (local, 3 masters + 3 replicas)'}`);
const vitest = spawn(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--project', 'integration', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, TEST_REDIS_CLUSTER_NODES: cluster.nodes },
});
const stopOnSignal = (signal) => vitest.kill(signal);
process.on('SIGINT', stopOnSignal);
process.on('SIGTERM', stopOnSignal);
const code = await new Promise((resolve) => vitest.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0))));
cluster.stop();
process.exit(code);
