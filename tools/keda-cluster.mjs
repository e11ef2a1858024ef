// `npm run k8s:keda-cluster`: writes infra/k8s/keda-cluster/worker-scaledobject.yaml, the worker's
// KEDA ScaledObject on a Redis Cluster, from ../keda's (queues, thresholds, bounds) and the
// REDIS_PREFIX and REDIS_SHARDS of the infra/k8s-redis-cluster overlay: one trigger per job queue,
// shard and state, on the key names the code makes (apps/e2e/src/k8s-keda-cluster.generator.ts).
// `-- --check` only compares, and exits 1 when the committed file differs. docs/kubernetes.md.
import { readFileSync, writeFileSync } from 'node:fs';
import { importLibs } from './lib/import-libs.mjs';

const { KEDA_CLUSTER_FILE, kedaClusterInputs, renderKedaCluster } = await importLibs(
  'keda-cluster',
  "export { KEDA_CLUSTER_FILE, kedaClusterInputs, renderKedaCluster } from './apps/e2e/src/k8s-keda-cluster.generator';",
);

const inputs = kedaClusterInputs(process.cwd());
const text = renderKedaCluster(inputs);
const triggers = text.match(/^ {4}- type: redis-cluster$/gm)?.length ?? 0;
const summary = `${triggers} triggers over ${inputs.shards.count} shards of ${inputs.shards.prefix}`;
if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(KEDA_CLUSTER_FILE, 'utf8');
  } catch {
    // Missing: reported as differing below.
  }
  if (committed !== text) {
    console.error(`${KEDA_CLUSTER_FILE} differs from what the generator makes (${summary}): run npm run k8s:keda-cluster`);
    process.exit(1);
  }
  console.log(`${KEDA_CLUSTER_FILE} is up to date (${summary})`);
} else {
  writeFileSync(KEDA_CLUSTER_FILE, text);
  console.log(`wrote ${KEDA_CLUSTER_FILE} (${summary})`);
}
