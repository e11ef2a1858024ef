// A local Redis Cluster of six redis-server nodes (three masters, each with a replica) on free
// ports, for the tools that run voxq on a cluster (`npm run test:cluster`, the bench's cluster
// phase, the chaos suite's cluster mode). Each node is a daemon with a folder of its own under
// one temporary folder: nodes sharing a folder would share their AOF and the RDB a replica
// loads, and corrupt them.
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, redisAnswers } from './net.mjs';
import { until } from './wait.mjs';

const run = promisify(execFile);

/** `redis-cli -p <port> <args…>`'s output; rejects when the node cannot be reached. */
export async function redisCli(port, ...args) {
  const { stdout } = await run('redis-cli', ['-p', String(port), ...args.map(String)], { timeout: 10_000 });
  return stdout;
}

/** A `field:value` reply (INFO, CLUSTER INFO) as an object. */
export function parseInfo(text) {
  const out = {};
  for (const line of text.split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (at > 0 && !line.startsWith('#')) out[line.slice(0, at)] = line.slice(at + 1);
  }
  return out;
}

/** True when every node in `ports` answers and reports `cluster_state:ok`. */
export async function clusterOk(ports) {
  const states = await Promise.all(ports.map((port) => redisCli(port, 'cluster', 'info').catch(() => '')));
  return states.every((info) => parseInfo(info).cluster_state === 'ok');
}

/** True when every node in `ports` answers, half of them as masters each with a replica, the rest as replicas in sync. */
async function replicasInSync(ports) {
  const roles = await Promise.all(ports.map(async (port) => parseInfo(await redisCli(port, 'info', 'replication'))));
  const masters = roles.filter((r) => r.role === 'master' && r.connected_slaves === '1');
  const replicas = roles.filter((r) => r.role === 'slave' && r.master_link_status === 'up' && r.master_sync_in_progress === '0');
  return masters.length === ports.length / 2 && replicas.length === ports.length / 2;
}

/**
 * Starts six cluster-enabled nodes and joins them with `redis-cli --cluster create`, then
 * waits until every node agrees and every replica has synced (gossip and the first syncs take
 * a moment after the create). `extraArgs` are
 * added to every node's command line, after the defaults (persistence, timeouts). Returns the nodes' ports and
 * addresses, `startNode(port)` to start one again on its own data (after a crash) and `stop()`,
 * which is also run when this process exits without calling it.
 */
export async function startLocalCluster({ extraArgs = [] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'voxq-cluster-'));
  const ports = [];
  for (let i = 0; i < 6; i++) ports.push(await freePort());
  const nodeDir = (port) => join(dir, String(port));

  async function startNode(port) {
    mkdirSync(nodeDir(port), { recursive: true });
    const started = spawnSync('redis-server', [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      `nodes-${port}.conf`,
      '--dir',
      nodeDir(port),
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
      join(nodeDir(port), 'redis.log'),
    ]);
    if (started.status !== 0) throw new Error(`redis-server on ${port} did not start: ${started.stderr}${started.stdout}`);
    await until(`redis-server on port ${port}`, () => redisAnswers(`redis://127.0.0.1:${port}`), 10_000, 50);
  }

  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', stop);
    for (const port of ports) spawnSync('redis-cli', ['-p', String(port), 'shutdown', 'nosave'], { timeout: 5_000 });
    rmSync(dir, { recursive: true, force: true });
  };
  // The nodes are daemons, not children: nothing else would stop them if this process failed.
  process.on('exit', stop);

  try {
    for (const port of ports) await startNode(port);
    const nodes = ports.map((port) => `127.0.0.1:${port}`);
    const created = spawnSync('redis-cli', ['--cluster', 'create', ...nodes, '--cluster-replicas', '1', '--cluster-yes'], { encoding: 'utf8' });
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
    await until('every cluster node to report cluster_state:ok', () => clusterOk(ports), 30_000, 200);
    await until('every replica to sync with its master', () => replicasInSync(ports), 30_000, 200);
    return { ports, nodes: nodes.join(','), dir, nodeDir, startNode, stop };
  } catch (error) {
    stop();
    throw error;
  }
}
