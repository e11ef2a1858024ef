/**
 * The manifests of an installation on a Redis Cluster, checked without a cluster: the
 * infra/k8s-redis-cluster overlay (voxq-config's REDIS_PREFIX and REDIS_SHARDS for a cluster)
 * and infra/k8s/keda-cluster's ScaledObject, which `npm run k8s:keda-cluster` generates
 * (k8s-keda-cluster.generator.ts). The committed ScaledObject must be what the generator makes
 * now, and, checked apart from the generator, count every worker queue's BullMQ keys in every
 * shard the overlay's pods use, at ../keda's targets split over the shards. See docs/kubernetes.md.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { QueueKeys } from 'bullmq';
import keySlot from 'cluster-key-slot';
import type { IScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { envSchema, loadConfig } from '@voxq/config';
import { providerEnv } from '@voxq/providers';
import { bullPrefix, shardConcurrency } from '@voxq/queues';
import { KeyShards } from '@voxq/redis-keys';
import { tenantSecretsEnv } from '@voxq/tenant-secrets';
import {
  CLUSTER_OVERLAY_FILE,
  clusterConfigData,
  clusterShards,
  KEDA_CLUSTER_AUTH,
  KEDA_CLUSTER_FILE,
  kedaClusterInputs,
  kedaClusterScaledObject,
  perShardTarget,
  PLACEHOLDER_CLUSTER_NODES,
  renderKedaCluster,
} from './k8s-keda-cluster.generator';
import { KEDA_SCALERS } from './k8s-keda.scalers';
import {
  config,
  containerOf,
  deploymentFor,
  deployments,
  environmentOf,
  KEDA_VARIANTS,
  NAMESPACE,
  ofKindIn,
  roleOf,
  ROOT,
  triggerAuths,
} from './k8s-manifests.fixture';

const STATES = ['wait', 'active', 'prioritized'] as const;
const onlyOne = <T>(list: T[], what: string): T => {
  expect(list, what).toHaveLength(1);
  return list[0] as T;
};
const single = onlyOne(ofKindIn<IScaledObject>(KEDA_VARIANTS.redis, 'ScaledObject'), 'keda/ ScaledObject');
const cluster = onlyOne(ofKindIn<IScaledObject>(KEDA_VARIANTS['redis-cluster'], 'ScaledObject'), 'keda-cluster/ ScaledObject');
const metadataOf = (trigger: { metadata?: unknown }) => (trigger.metadata ?? {}) as Record<string, string>;

/** What a Deployment's container sees under the overlay: its ConfigMap patched, and the cluster's nodes from the Secret. */
function clusterEnvironmentOf(role: string): Record<string, string> {
  const d = deploymentFor(role);
  const own = Object.fromEntries((containerOf(d).env ?? []).map((e) => [e.name, e.value ?? '']));
  return { ...environmentOf(d), ...clusterConfigData(ROOT), REDIS_CLUSTER_NODES: PLACEHOLDER_CLUSTER_NODES, ...own };
}
const workerConfig = loadConfig(clusterEnvironmentOf('worker'));

describe('infra/k8s on a Redis Cluster', () => {
  it("give the overlay's pods the base manifests with a cluster's REDIS_PREFIX and REDIS_SHARDS, which load", () => {
    const overlay = parse(readFileSync(join(ROOT, CLUSTER_OVERLAY_FILE), 'utf8')) as { namespace?: string; resources?: string[] };
    expect(overlay.namespace).toBe(NAMESPACE);
    expect(overlay.resources).toEqual(['../k8s']);
    const data = clusterConfigData(ROOT);
    const known = new Set([envSchema, ...providerEnv, tenantSecretsEnv].flatMap((schema) => Object.keys(schema.shape)));
    expect(Object.keys(data).filter((k) => !known.has(k))).toEqual([]);
    // Only the Redis layout differs from the base; REDIS_CLUSTER_NODES (it may hold the password) is in the Secret.
    const changed = Object.keys(data).filter((k) => data[k] !== config?.data?.[k]);
    expect(changed.sort()).toEqual(['REDIS_PREFIX', 'REDIS_SHARDS']);
    // Shipped: voxq's own cluster defaults ({voxq}, 8), pinned, so that a later default cannot move an installation's keys.
    const defaults = loadConfig({ REDIS_CLUSTER_NODES: PLACEHOLDER_CLUSTER_NODES }).redis;
    expect([data.REDIS_PREFIX, Number(data.REDIS_SHARDS)]).toEqual([defaults.prefix, defaults.shards]);
    for (const d of deployments) {
      const { redis } = loadConfig(clusterEnvironmentOf(roleOf(d) as string), providerEnv);
      expect(redis.cluster?.nodes, d.metadata?.name).toHaveLength(1);
      expect([redis.prefix, redis.shards], d.metadata?.name).toEqual([data.REDIS_PREFIX, Number(data.REDIS_SHARDS)]);
    }
    const shards = clusterShards(ROOT);
    expect([shards.prefix, shards.count]).toEqual([workerConfig.redis.prefix, workerConfig.redis.shards]);
  });

  it("commit the ScaledObject the generator makes for the overlay's settings (npm run k8s:keda-cluster)", () => {
    const committed = readFileSync(join(ROOT, KEDA_CLUSTER_FILE), 'utf8');
    expect(committed, `${KEDA_CLUSTER_FILE} is stale: run npm run k8s:keda-cluster and commit it`).toBe(renderKedaCluster(kedaClusterInputs(ROOT)));
  });

  it("count every worker queue's wait, active and prioritized list in every shard, at keda/'s target split over the shards", () => {
    const shards = KeyShards.for(workerConfig.redis);
    const singleKeys = new QueueKeys(bullPrefix(config?.data?.REDIS_PREFIX ?? 'voxq'));
    const singleTarget = new Map(single.spec.triggers.map((t) => [metadataOf(t).listName, Number(metadataOf(t).listLength)]));
    // Computed here from KeyShards and BullMQ, not by the generator: the keys the worker's queues use.
    const expected = new Map<string, string>();
    for (const queue of workerConfig.worker.queues) {
      for (const state of STATES) {
        const total = singleTarget.get(singleKeys.getKeys(queue)[state]);
        expect(total, `keda/ counts ${queue} ${state}`).toBeDefined();
        for (const k of shards.all()) {
          const perShard = Math.max(1, Math.floor((total as number) / shards.count));
          expected.set(new QueueKeys(shards.keysOf(k).bull.prefix()).getKeys(queue)[state] as string, String(perShard));
        }
      }
    }
    expect(expected.size).toBe(workerConfig.worker.queues.length * STATES.length * shards.count);
    const counted = new Map<string, string>();
    for (const trigger of cluster.spec.triggers) {
      expect(trigger.type, trigger.name).toBe('redis-cluster');
      const metadata = metadataOf(trigger);
      expect(
        Object.keys(metadata).filter((k) => !KEDA_SCALERS['redis-cluster']?.metadata.has(k)),
        trigger.name,
      ).toEqual([]);
      expect(metadata.listLength, trigger.name).toMatch(/^[1-9]\d*$/);
      expect(counted.has(metadata.listName as string), `${metadata.listName} counted twice`).toBe(false);
      counted.set(metadata.listName as string, metadata.listLength as string);
      expect(trigger.authenticationRef?.name, trigger.name).toBe(KEDA_CLUSTER_AUTH);
    }
    expect(Object.fromEntries(counted)).toEqual(Object.fromEntries(expected));
    // Shard 0 is the prefix itself: a single Redis's key names.
    expect(counted.has(`${shards.prefix}:q:complete:wait`)).toBe(true);
    expect(triggerAuths.some((a) => a.metadata.name === KEDA_CLUSTER_AUTH)).toBe(true);
    // A pod runs WORKER_CONCURRENCY per queue split over the shards: a shard's `active` target stays within it.
    const activeTarget = Number(counted.get(new QueueKeys(shards.keysOf(1).bull.prefix()).getKeys('complete').active as string));
    expect(activeTarget).toBeLessThanOrEqual(shardConcurrency(workerConfig.worker.concurrency, shards.count));
  });

  it("keep each shard's lists in one slot (BullMQ's scripts need it) and the shards in slots of their own", () => {
    const slotsByShard = new Map<string, Set<number>>();
    for (const trigger of cluster.spec.triggers) {
      const listName = metadataOf(trigger).listName as string;
      const tag = /\{([^{}]+)\}/.exec(listName)?.[1];
      expect(tag, listName).toBeDefined();
      slotsByShard.set(tag as string, (slotsByShard.get(tag as string) ?? new Set()).add(keySlot(listName)));
    }
    expect(slotsByShard.size).toBe(workerConfig.redis.shards);
    for (const [tag, slots] of slotsByShard) expect(slots.size, tag).toBe(1);
    expect(new Set([...slotsByShard.values()].flatMap((slots) => [...slots])).size).toBe(workerConfig.redis.shards);
  });

  it('copy everything but the triggers from keda/, and make its very triggers for one shard under its prefix', () => {
    const { triggers: _cluster, ...clusterSpec } = cluster.spec;
    const { triggers: _single, ...singleSpec } = single.spec;
    expect(clusterSpec).toEqual(singleSpec);
    expect(cluster.metadata).toEqual(single.metadata);
    // A single Redis is one shard under the base prefix: the generator gives back keda/'s lists and targets.
    const inputs = kedaClusterInputs(ROOT);
    const one = kedaClusterScaledObject({ ...inputs, shards: new KeyShards(inputs.templatePrefix, 1) });
    const lists = (so: { spec: { triggers: Array<{ metadata?: unknown }> } }) =>
      so.spec.triggers.map((t) => [metadataOf(t).listName, metadataOf(t).listLength]);
    expect(lists(one)).toEqual(lists(single));
  });

  it('split a target evenly over the shards, rounded down and never below 1', () => {
    expect([16, 48, 128].map((total) => perShardTarget(total, 8))).toEqual([2, 6, 16]);
    expect(perShardTarget(16, 1)).toBe(16);
    expect(perShardTarget(16, 3)).toBe(5);
    expect(perShardTarget(16, 256)).toBe(1);
  });

  it('keep a queue outside the shards to one trigger at its full target, and refuse what it cannot carry over', () => {
    const { template: base, templatePrefix } = kedaClusterInputs(ROOT);
    const template = (metadata: Record<string, string>, type = 'redis') => ({ ...base, spec: { ...base.spec, triggers: [{ type, name: 'x', metadata }] } });
    const shards = new KeyShards('{voxq}', 8);
    const make = (metadata: Record<string, string>, type?: string) => kedaClusterScaledObject({ template: template(metadata, type), templatePrefix, shards });
    expect(make({ listName: 'voxq:q:batches:wait', listLength: '10' }).spec.triggers).toEqual([
      { type: 'redis-cluster', name: 'x', authenticationRef: { name: KEDA_CLUSTER_AUTH }, metadata: { listName: '{voxq}:q:batches:wait', listLength: '10' } },
    ]);
    expect(() => make({ listName: 'voxq:q:complete:wait', listLength: '16', enableTLS: 'true' })).toThrow(/enableTLS/);
    expect(() => make({ listName: 'voxq:q:complete:wait', listLength: '0' })).toThrow(/listLength/);
    expect(() => make({ listName: 'voxq:q:complete:wait', listLength: '16' }, 'prometheus')).toThrow(/prometheus/);
    expect(() => make({ listName: 'other:q:complete:wait', listLength: '16' })).toThrow(/no BullMQ key/);
  });
});
