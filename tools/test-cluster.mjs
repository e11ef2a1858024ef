// `npm run test:cluster`: the integration suite against a Redis Cluster. With
// TEST_REDIS_CLUSTER_NODES set it uses that cluster; otherwise it starts a local one of six
// redis-server nodes (three masters, each with a replica; free ports, data in a temporary
// folder), runs `vitest --project integration` on it, and stops it. Extra arguments go to
// vitest (a file filter, `-t`). Tests that need a Redis of their own (to stop it, or to start
// voxq on it) still start one; everything else runs on the cluster, each test under a
// hash-tagged prefix (libs/testing/src/test-env.ts).
import { spawn } from 'node:child_process';
import { startLocalCluster } from './lib/local-cluster.mjs';

const given = process.env.TEST_REDIS_CLUSTER_NODES;
const cluster = given ? { nodes: given, stop: () => undefined } : await startLocalCluster();
console.log(`test:cluster: Redis Cluster ${cluster.nodes}${given ? ' (TEST_REDIS_CLUSTER_NODES)' : ' (local, 3 masters + 3 replicas)'}`);
// Left out, and run by `npm test`: suites that exercise no Redis key layout, namely the console
// in a browser and the packages installed in a folder of their own (2.5 minutes together), the
// fuzzing of every operation's input (its answers are checked on the cluster by
// openapi-answers), and the suites that open no Redis at all (the history tier's Postgres
// stores, the provider adapters against the simulator, the simulator itself, the S3 object
// store); and those that start a single Redis of their own whatever the run gives them (to kill
// it, or `npm start` on its own), which would only run again unchanged.
const NOT_ON_CLUSTER = [
  'apps/e2e/src/console.int.spec.ts',
  'apps/e2e/src/packages.int.spec.ts',
  'apps/e2e/src/openapi-fuzz.int.spec.ts',
  'apps/e2e/src/launcher.int.spec.ts',
  'apps/e2e/src/redis-outage.int.spec.ts',
  'apps/e2e/src/redis-outage-processes.int.spec.ts',
  'libs/process/src/redis-outage-log.int.spec.ts',
  'libs/history/src/*.int.spec.ts',
  'libs/providers/src/{anthropic,cartesia,deepgram,elevenlabs,engine,espeak-ng,openai-compatible,pocketsphinx}/*.int.spec.ts',
  'libs/simulator/src/**/*.int.spec.ts',
  'libs/storage/src/*.int.spec.ts',
].flatMap((glob) => ['--exclude', glob]);
const vitest = spawn(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--project', 'integration', ...NOT_ON_CLUSTER, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, TEST_REDIS_CLUSTER_NODES: cluster.nodes },
});
const stopOnSignal = (signal) => vitest.kill(signal);
process.on('SIGINT', stopOnSignal);
process.on('SIGTERM', stopOnSignal);
const code = await new Promise((resolve) => vitest.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0))));
cluster.stop();
process.exit(code);
