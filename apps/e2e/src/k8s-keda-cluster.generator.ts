/**
 * Makes infra/k8s/keda-cluster/worker-scaledobject.yaml: the single-Redis ScaledObject of
 * infra/k8s/keda, spread over the shards of an installation on a Redis Cluster (the
 * infra/k8s-redis-cluster overlay's REDIS_PREFIX and REDIS_SHARDS). Its key names come from the
 * code (`KeyShards`, BullMQ's `QueueKeys`), not from a hand-written list of 96 names:
 * `npm run k8s:keda-cluster` (tools/keda-cluster.mjs) writes the file, and
 * k8s-keda-cluster.cross-checks.spec.ts fails while the committed one differs from it, so a
 * change of the key layout cannot silently leave the autoscaler watching empty keys.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { QueueKeys } from 'bullmq';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { loadConfig } from '@voxq/config';
import { isSharded, QUEUE_CATALOG, type QueueKey } from '@voxq/queues';
import { KeyShards } from '@voxq/redis-keys';

export const KEDA_TEMPLATE_FILE = 'infra/k8s/keda/worker-scaledobject.yaml';
export const KEDA_CLUSTER_FILE = 'infra/k8s/keda-cluster/worker-scaledobject.yaml';
export const CLUSTER_OVERLAY_FILE = 'infra/k8s-redis-cluster/kustomization.yaml';
const BASE_CONFIGMAP_FILE = 'infra/k8s/configmap.yaml';
/** The TriggerAuthentication every generated trigger uses (keda-cluster/trigger-authentication.yaml). */
export const KEDA_CLUSTER_AUTH = 'voxq-redis-cluster';
/**
 * Stands in for REDIS_CLUSTER_NODES, which is in the pods' Secret (it may carry the password):
 * its presence alone gives REDIS_PREFIX and REDIS_SHARDS their cluster defaults.
 */
export const PLACEHOLDER_CLUSTER_NODES = 'redis-cluster.example.internal:6379';

export interface KedaTrigger {
  type: string;
  name?: string;
  authenticationRef?: { name: string };
  metadata?: Record<string, string>;
}
export interface KedaScaledObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string } & Record<string, unknown>;
  spec: { triggers: KedaTrigger[] } & Record<string, unknown>;
}
interface ConfigMapLike {
  kind?: string;
  metadata?: { name?: string };
  data?: Record<string, string>;
}

export interface KedaClusterInputs {
  /** infra/k8s/keda's ScaledObject: its queues, states, thresholds, replica bounds and behaviour. */
  template: KedaScaledObject;
  /** The REDIS_PREFIX its key names are under (infra/k8s/configmap.yaml's). */
  templatePrefix: string;
  /** The cluster installation's shards. */
  shards: KeyShards;
}

const readYaml = (root: string, file: string): unknown => parse(readFileSync(join(root, file), 'utf8'));

/**
 * The ConfigMap data the pods of the cluster overlay get: the base's voxq-config with the
 * overlay's patches of it on top (inline `patch` or `path`, strategic-merge ones: a data map).
 */
export function clusterConfigData(root: string): Record<string, string> {
  const base = readYaml(root, BASE_CONFIGMAP_FILE) as ConfigMapLike;
  const overlay = readYaml(root, CLUSTER_OVERLAY_FILE) as { patches?: Array<{ patch?: string; path?: string }> };
  const data = { ...base.data };
  for (const entry of overlay.patches ?? []) {
    const text = entry.patch ?? readFileSync(join(root, dirname(CLUSTER_OVERLAY_FILE), entry.path ?? ''), 'utf8');
    for (const doc of parseAllDocuments(text)) {
      const patch = doc.toJS() as ConfigMapLike | null;
      if (patch?.kind === 'ConfigMap' && patch.metadata?.name === base.metadata?.name) Object.assign(data, patch.data);
    }
  }
  return data;
}

/** The shards the cluster overlay's pods make, from its settings and voxq's own defaults. */
export function clusterShards(root: string): KeyShards {
  const { redis } = loadConfig({ ...clusterConfigData(root), REDIS_CLUSTER_NODES: PLACEHOLDER_CLUSTER_NODES });
  return KeyShards.for(redis);
}

/** What the generator reads: the committed single-Redis ScaledObject and both ConfigMaps' settings. */
export function kedaClusterInputs(root: string): KedaClusterInputs {
  const base = readYaml(root, BASE_CONFIGMAP_FILE) as ConfigMapLike;
  return {
    template: readYaml(root, KEDA_TEMPLATE_FILE) as KedaScaledObject,
    templatePrefix: loadConfig(base.data ?? {}).redis.prefix,
    shards: clusterShards(root),
  };
}

/**
 * A shard's target per worker: the single-Redis one split evenly over the shards, since jobs
 * spread evenly over them (by id). Rounded down, never below 1, so the cluster scales out no
 * later than one Redis would.
 */
export const perShardTarget = (total: number, shards: number): number => Math.max(1, Math.floor(total / shards));

/** The queue (catalog key and stored name) and BullMQ key kind a single-Redis list name is. */
function queueKeyOf(listName: string, prefix: string): { key: QueueKey; name: string; kind: string } {
  const bull = new KeyShards(prefix).base.bull.prefix();
  for (const [key, entry] of Object.entries(QUEUE_CATALOG)) {
    for (const [kind, name] of Object.entries(new QueueKeys(bull).getKeys(entry.name))) {
      if (name === listName) return { key: key as QueueKey, name: entry.name, kind };
    }
  }
  throw new Error(`keda-cluster: '${listName}' is no BullMQ key of a voxq queue under REDIS_PREFIX '${prefix}'`);
}

/** The template's trigger, checked: a `redis` list with a target and nothing the generator would drop. */
function templateTrigger(trigger: KedaTrigger): { name: string; listName: string; listLength: number } {
  const { listName, listLength, ...other } = trigger.metadata ?? {};
  const problems = [
    trigger.type !== 'redis' && `type '${trigger.type}' (not redis)`,
    !trigger.name && 'no name',
    !listName && 'no listName',
    !/^[1-9]\d*$/.test(listLength ?? '') && `listLength '${listLength}' (a whole number above 0)`,
    // Dropped fields would silently change the scaling; TLS belongs in the TriggerAuthentication.
    Object.keys(other).length > 0 && `metadata the generator does not carry over: ${Object.keys(other).join(', ')}`,
  ].filter(Boolean);
  if (problems.length > 0) throw new Error(`keda-cluster: ${KEDA_TEMPLATE_FILE} trigger ${trigger.name ?? '?'}: ${problems.join('; ')}`);
  return { name: trigger.name as string, listName: listName as string, listLength: Number(listLength) };
}

/**
 * The template with its triggers spread over the shards: a job queue's trigger becomes one
 * `redis-cluster` trigger per shard (`<name>-s<k>`) on that shard's key, with the per-shard
 * target; a queue outside the shards (under the prefix itself) keeps one trigger and its target.
 */
export function kedaClusterScaledObject({ template, templatePrefix, shards }: KedaClusterInputs): KedaScaledObject {
  const triggers = template.spec.triggers.flatMap((raw) => {
    const trigger = templateTrigger(raw);
    const { key, name, kind } = queueKeyOf(trigger.listName, templatePrefix);
    const sharded = isSharded(key);
    return (sharded ? shards.all() : [0]).map((k) => ({
      type: 'redis-cluster',
      name: sharded ? `${trigger.name}-s${k}` : trigger.name,
      authenticationRef: { name: KEDA_CLUSTER_AUTH },
      metadata: {
        listName: new QueueKeys(shards.keysOf(k).bull.prefix()).getKeys(name)[kind] as string,
        listLength: String(sharded ? perShardTarget(trigger.listLength, shards.count) : trigger.listLength),
      },
    }));
  });
  return { ...template, spec: { ...template.spec, triggers } };
}

/** The file's text: an explanation, then the ScaledObject. */
export function renderKedaCluster(inputs: KedaClusterInputs): string {
  const { shards } = inputs;
  const header = [
    `GENERATED by \`npm run k8s:keda-cluster\` from ../keda/worker-scaledobject.yaml, for`,
    `REDIS_PREFIX=${shards.prefix} and REDIS_SHARDS=${shards.count} (infra/k8s-redis-cluster). Do not edit:`,
    'change those (or ../keda) and run it again; the manifest test fails until this file matches.',
    '',
    'Scales voxq-worker on BullMQ queue depth on a Redis Cluster, as ../keda does on one Redis.',
    'Each job queue exists once per shard (libs/redis-keys KeyShards), each shard under its own',
    'hash tag, so in its own slot: shard k waits in <shard k prefix>:q:<queue>:wait, runs in',
    '…:active and holds batch jobs in …:prioritized. KEDA reads one key per trigger, so there is',
    'one trigger per queue, shard and state, and it takes the largest replica count any asks for.',
    'Jobs spread evenly over the shards (by id), so a shard holds 1/N of a queue: its listLength',
    "is ../keda's divided by N (rounded down), and ceil((length/N) / (target/N)) asks for the",
    'replicas the single-Redis ceil(length / target) would.',
  ];
  const text = stringify(kedaClusterScaledObject(inputs), { lineWidth: 0 });
  return `${header.map((line) => `#${line ? ` ${line}` : ''}`).join('\n')}\n${text}`;
}
