// The chaos suite's Redis Cluster (`npm run test:chaos:cluster`): six local nodes, three
// masters each with a replica (tools/lib/local-cluster.mjs), persisted as the single-node
// chaos Redis is (AOF, appendfsync always: tools/chaos/redis-server.mjs says why), and its
// two faults:
//
//   failover  CLUSTER FAILOVER sent to a master's replica: the replica catches up, takes the
//             master's slots, and the old master follows it as a replica;
//   kill      a master SIGKILLed: the others mark it failed after cluster-node-timeout, its
//             replica is elected in its place, and the killed node, started again on its
//             own data, rejoins as that replica's replica.
//
// Each fault picks the master holding the most keys at that moment (the kill: of the masters
// not serving the slots just failed over, while one holds keys), so both land on voxq's data
// whatever the key layout: spread over REDIS_SHARDS hash tags (8 by default on a cluster),
// two masters' shards are hit; all under one tag (REDIS_SHARDS=1), the same slot twice.
import { readFileSync } from 'node:fs';
import { clusterOk, parseInfo, redisCli, startLocalCluster } from '../lib/local-cluster.mjs';
import { until } from '../bench/wait.mjs';

/**
 * How long a silent master has before the others fail it over. Redis's default is 15 s;
 * 5 s keeps the run short and is still far above a busy 2-core machine's pauses.
 */
export const NODE_TIMEOUT_MS = 5_000;

/** One line of CLUSTER NODES: `<id> <ip:port@cport[,hostname]> <flags> <master> <ping> <pong> <epoch> <link> <slot…>`. */
function parseNode(line) {
  const [id, address, flags, master, , , , link, ...slots] = line.trim().split(/\s+/);
  const port = Number(/:(\d+)@/.exec(address)?.[1]);
  return { id, port, flags: flags.split(','), masterId: master === '-' ? null : master, link, slots };
}

export async function startChaosCluster() {
  const cluster = await startLocalCluster({
    extraArgs: ['--appendonly', 'yes', '--appendfsync', 'always', '--cluster-node-timeout', String(NODE_TIMEOUT_MS)],
  });
  const downPorts = new Set();
  const livePorts = () => cluster.ports.filter((port) => !downPorts.has(port));

  /** The nodes as `port` sees them. */
  async function topology(port) {
    const text = await redisCli(port, 'cluster', 'nodes');
    return text
      .split('\n')
      .filter((line) => line.trim())
      .map(parseNode);
  }

  const role = async (port) => parseInfo(await redisCli(port, 'info', 'replication'));
  const keyCount = async (port) => Number((await redisCli(port, 'dbsize')).trim());

  /**
   * The master holding the most keys, its slots and its replica, each node asked about itself
   * (gossip may not have told every node of the last change yet). A master serving `avoidSlots`
   * is passed over while another holds keys.
   */
  async function busiestMaster(avoidSlots = null) {
    const nodes = await Promise.all(livePorts().map(async (port) => ({ port, ...(await role(port)), keys: await keyCount(port) })));
    const masters = await Promise.all(
      nodes
        .filter((n) => n.role === 'master')
        .map(async (n) => ({ ...n, slots: (await topology(n.port)).find((t) => t.flags.includes('myself')).slots.join(' ') })),
    );
    const others = masters.filter((m) => m.slots !== avoidSlots && m.keys > 0);
    const [master] = (others.length ? others : masters).sort((a, b) => b.keys - a.keys);
    const replica = nodes.find((n) => n.role === 'slave' && Number(n.master_port) === master.port);
    if (!replica) throw new Error(`master on port ${master.port} has no replica to take over`);
    return { port: master.port, keys: master.keys, slots: master.slots, replicaPort: replica.port };
  }

  /** Resolves once `port` serves as a replica in sync with its master (link up, not loading). */
  const untilInSyncReplica = (port, timeoutMs) =>
    until(
      `node ${port} to serve as a replica in sync`,
      async () => {
        const info = await role(port);
        return info.role === 'slave' && info.master_link_status === 'up' && info.master_sync_in_progress === '0';
      },
      timeoutMs,
      100,
    );

  /** CLUSTER FAILOVER on the busiest master's replica; resolves once the swap is done everywhere. */
  async function failover() {
    const master = await busiestMaster();
    const t0 = performance.now();
    await redisCli(master.replicaPort, 'cluster', 'failover');
    await until(`node ${master.replicaPort} to become a master`, async () => (await role(master.replicaPort)).role === 'master', 30_000, 50);
    const tookMs = Math.round(performance.now() - t0);
    await untilInSyncReplica(master.port, 30_000);
    await until('every node to report cluster_state:ok', () => clusterOk(livePorts()), 30_000, 100);
    return { from: master.port, to: master.replicaPort, keys: master.keys, slots: master.slots, tookMs };
  }

  /**
   * SIGKILL of the busiest master, one not serving `avoidSlots` (the failover's) if another
   * holds keys; resolves once its replica serves its slots and the killed node, started
   * again on its own AOF, follows that replica in sync.
   */
  async function killMaster(avoidSlots = null) {
    const master = await busiestMaster(avoidSlots);
    const pid = Number(parseInfo(await redisCli(master.port, 'info', 'server')).process_id);
    const t0 = performance.now();
    downPorts.add(master.port);
    process.kill(pid, 'SIGKILL');
    await until(`redis-server pid ${pid} to be gone`, async () => !isAlive(pid), 10_000, 20);
    await until(`node ${master.replicaPort} to be promoted`, async () => (await role(master.replicaPort)).role === 'master', NODE_TIMEOUT_MS * 6, 50);
    await until('the surviving nodes to report cluster_state:ok', () => clusterOk(livePorts()), 30_000, 50);
    const promotedMs = Math.round(performance.now() - t0);
    await cluster.startNode(master.port);
    downPorts.delete(master.port);
    await untilInSyncReplica(master.port, 60_000);
    await until('every node to report cluster_state:ok', () => clusterOk(livePorts()), 30_000, 100);
    const rejoinedMs = Math.round(performance.now() - t0);
    const following = Number((await role(master.port)).master_port);
    return { killed: master.port, pid, promoted: master.replicaPort, following, keys: master.keys, slots: master.slots, promotedMs, rejoinedMs };
  }

  return { ...cluster, failover, killMaster };
}

/** False once `pid` has exited: gone, or a zombie (the daemon's new parent may be slow to reap it). */
function isAlive(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
