// A local Redis Cluster of six redis-server nodes (three masters, each with a replica) on free
// ports, data in a temporary folder: for `npm run test:cluster` and the bench's cluster phase.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, redisAnswers } from './net.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts six cluster-enabled nodes and joins them; returns their addresses (`host:port,…`), ports and a stop function. */
export async function startLocalCluster({ extraArgs = [] } = {}) {
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
      '--maxmemory-policy',
      'noeviction',
      ...extraArgs,
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
  // Every node must agree before anything starts: gossip takes a moment after the create.
  for (let i = 0; i < 100; i++) {
    const states = ports.map((port) => spawnSync('redis-cli', ['-p', String(port), 'cluster', 'info'], { encoding: 'utf8' }).stdout);
    if (states.every((info) => info.includes('cluster_state:ok'))) break;
    await sleep(200);
  }
  const stop = () => {
    for (const port of ports) spawnSync('redis-cli', ['-p', String(port), 'shutdown', 'nosave']);
    rmSync(dir, { recursive: true, force: true });
  };
  return { nodes: nodes.join(','), ports, dir, stop };
}
