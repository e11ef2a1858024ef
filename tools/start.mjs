// `npm start`: voxq on one machine with local defaults: api + worker + dispatcher, the
// provider simulator standing in for OpenAI when no key is configured, a private
// redis-server when none answers at REDIS_URL, a local S3 (s3rver) when S3_ENDPOINT is
// unset, and an embedded Postgres (PGlite) for job history when POSTGRES_URL is unset. Production runs each app on its own
// (`node dist/apps/<app>/main.js`); this is the development and evaluation path.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { appEnvOverrides, metricsBanner } from './lib/app-env.mjs';
import { importLibs } from './lib/import-libs.mjs';
import { portFree, redisAnswers } from './lib/net.mjs';
import { nodeArgsOf } from './lib/app-node-args.mjs';

if (existsSync('.env')) process.loadEnvFile('.env');
const env = { ...process.env };
const defaults = {
  // The AWS SDK warns on every start that Node 20 support ends in 2026; once is in the README.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  REDIS_URL: 'redis://127.0.0.1:6379',
  // Local receivers (the README's walk-through) live on localhost over plain http.
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
  WEBHOOK_ALLOW_HTTP: 'true',
  SIMULATOR_PORT: '4010',
  // A local evaluation is not throttled; set these in .env to try the limits (docs/limits.md).
  API_RATE_LIMIT_PER_SECOND: '0',
  TENANT_MONTHLY_JOB_ALLOWANCE: '0',
};
for (const [k, v] of Object.entries(defaults)) env[k] ||= v;

// Tenant secrets (tools' secretRefs) are sealed with SECRETS_ENCRYPTION_KEY: a random one is
// made once and kept in .voxq/, so secrets stored in one run open in the next.
if (!env.SECRETS_ENCRYPTION_KEY) {
  const keyFile = '.voxq/secrets.key';
  if (!existsSync(keyFile)) {
    mkdirSync('.voxq', { recursive: true });
    writeFileSync(keyFile, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  }
  env.SECRETS_ENCRYPTION_KEY = readFileSync(keyFile, 'utf8').trim();
}

// The operator dashboard (/admin) needs ADMIN_TOKEN: a random one is made once and kept in
// .voxq/, and the banner shows it, so the dashboard opens from a browser on a first evening.
if (!env.ADMIN_TOKEN) {
  const tokenFile = '.voxq/admin.token';
  if (!existsSync(tokenFile)) {
    mkdirSync('.voxq', { recursive: true });
    writeFileSync(tokenFile, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  }
  env.ADMIN_TOKEN = readFileSync(tokenFile, 'utf8').trim();
}

const useSimulator = !env.OPENAI_API_KEY;
if (useSimulator) {
  env.OPENAI_API_KEY = 'sk-sim-local';
  env.OPENAI_BASE_URL = `http://127.0.0.1:${env.SIMULATOR_PORT}/v1`;
}

// Without S3_ENDPOINT the apps would talk to AWS itself: run a local S3 instead.
const useLocalS3 = !env.S3_ENDPOINT;
const localS3Port = env.S3_LOCAL_PORT || '4569';
if (useLocalS3) {
  Object.assign(env, {
    S3_ENDPOINT: `http://127.0.0.1:${localS3Port}`,
    S3_FORCE_PATH_STYLE: 'true',
    S3_REGION: env.S3_REGION || 'us-east-1',
    S3_BUCKET: env.S3_BUCKET || 'voxq',
    // s3rver's fixed development key pair.
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
  });
}

// Without POSTGRES_URL the history tier runs embedded: PGlite in this process, on the wire.
const useLocalPostgres = !env.POSTGRES_URL;
const localPostgresPort = env.POSTGRES_LOCAL_PORT || '5433';
// PGlite holds its folder alone: two launchers of one checkout each need their own.
const localPostgresDir = env.POSTGRES_LOCAL_DIR || '.voxq/pg';

/**
 * The apps log JSON (what a log pipeline wants); on a terminal the launcher shows each line
 * as a person reads it: time, level, message, fields on one line. `LOG_FORMAT=json` keeps
 * JSON on a terminal, `LOG_FORMAT=pretty` asks for the readable form anywhere. pino-pretty
 * comes with `npm ci`; without it (an install without dev dependencies) lines stay JSON.
 */
const wantsPretty = env.LOG_FORMAT === 'pretty' || (env.LOG_FORMAT !== 'json' && process.stdout.isTTY);
const pretty = wantsPretty
  ? await import('pino-pretty').then(
      ({ prettyFactory }) =>
        prettyFactory({ colorize: Boolean(process.stdout.isTTY), singleLine: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,name' }),
      () => null,
    )
  : null;
const readable = (line) => {
  if (!pretty || !line.startsWith('{')) return `${line}\n`;
  try {
    return pretty(line);
  } catch {
    return `${line}\n`;
  }
};

/** The apps (stopped first), and what they stand on: the private Redis and the local S3 (stopped last). */
const apps = [];
let privateRedis = null;
let localS3 = null;
let localPostgres = null;
let stopping = false;

/**
 * Every child runs in its own process group (`detached`), so a Ctrl-C in the terminal reaches
 * only this launcher, which then stops them in order with one SIGTERM each: a child that got
 * the terminal's SIGINT and then the launcher's SIGTERM would take it as a second signal and
 * skip its grace period. The apps watch this launcher (`VOXQ_PARENT_PID`) and stop if it dies.
 */
function run(name, args, { critical = true } = {}) {
  const child = spawn(process.execPath, args, {
    env: { ...env, ...appEnvOverrides(env, name), VOXQ_PARENT_PID: String(process.pid) },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const prefix = `[${name}]`.padEnd(13);
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream.on('data', (chunk) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop();
      for (const line of lines) process.stdout.write(`${prefix}${readable(line)}`);
    });
  }
  child.on('exit', (code, signal) => {
    if (stopping) return;
    console.error(`${prefix}exited (${signal ?? code}); stopping everything.`);
    if (critical) void stop(1);
  });
  apps.push(child);
  return child;
}

const exited = (child) => child.exitCode !== null || child.signalCode !== null;

/**
 * Resolves once the child has exited and its output has been read to the end: 'exit' can come
 * while its last lines (a worker's "stopped") still sit in the pipe, and the launcher's
 * process.exit would drop them.
 */
const closed = (child) =>
  new Promise((resolve) => {
    if (exited(child) && (child.stdout?.readableEnded ?? true) && (child.stderr?.readableEnded ?? true)) return resolve();
    child.once('close', () => resolve());
  });

/** SIGTERM, then wait for the exit and its last output (SIGKILL after `ms`: a child must not outlive the launcher). */
function terminate(child, ms) {
  const done = closed(child);
  if (!exited(child)) {
    const kill = setTimeout(() => child.kill('SIGKILL'), ms);
    void done.then(() => clearTimeout(kill));
    child.kill('SIGTERM');
  }
  return done;
}

/** The apps first (each drains within its grace period), then Redis and S3, which they need until the end. */
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  const graceMs = Number(env.SHUTDOWN_GRACE_MS || 25_000);
  await Promise.all(apps.map((child) => terminate(child, graceMs + 10_000)));
  if (privateRedis) await terminate(privateRedis, 10_000);
  await localS3?.close().catch(() => undefined);
  await localPostgres?.stop().catch(() => undefined);
  process.exit(code);
}

let interrupts = 0;
function onSignal() {
  // A second Ctrl-C: the apps hand back their in-flight work now (their own second signal).
  if (++interrupts === 2) for (const child of apps) if (!exited(child)) child.kill('SIGINT');
  void stop(0);
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
// Whatever ends this process, its children end with it.
process.on('exit', () => {
  for (const child of [...apps, privateRedis]) if (child && !exited(child)) child.kill('SIGKILL');
});
// `kill <npm pid>` ends npm and leaves this launcher to init: it then stops too.
const launchedBy = process.ppid;
setInterval(() => {
  if (process.ppid !== launchedBy) void stop(0);
}, 1_000).unref();

/** A port something already listens on stops the start with a plain sentence, not an EADDRINUSE stack. */
async function ensurePortFree(port, what, variable) {
  if (await portFree(Number(port))) return;
  console.error(
    `Port ${port} (${what}) is in use: is voxq already running (\`npm start\` in another terminal)? Stop it, or set ${variable} in .env to another port.`,
  );
  process.exit(1);
}

async function ensureRedis() {
  // A Redis Cluster is the user's own: the apps check it at start and say what is wrong.
  if (env.REDIS_CLUSTER_NODES) return `the Redis Cluster at REDIS_CLUSTER_NODES (${env.REDIS_CLUSTER_NODES.split(',').length} seed nodes)`;
  if (await redisAnswers(env.REDIS_URL)) return `Redis at ${env.REDIS_URL}`;
  const { hostname, port } = new URL(env.REDIS_URL);
  const local = ['127.0.0.1', 'localhost'].includes(hostname);
  if (!local || spawnSync('redis-server', ['--version']).error) {
    console.error(
      `No Redis answers at ${env.REDIS_URL}.\n` +
        '  Start one (`redis-server --daemonize yes`, `apt-get install -y redis-server` first if needed),\n' +
        '  or point REDIS_URL at yours, then run `npm start` again.',
    );
    process.exit(1);
  }
  mkdirSync('.voxq/redis', { recursive: true });
  // Private to this launcher; AOF on and noeviction, as BullMQ needs to never lose a job.
  privateRedis = spawn(
    'redis-server',
    ['--port', port || '6379', '--bind', '127.0.0.1', '--dir', '.voxq/redis', '--appendonly', 'yes', '--maxmemory-policy', 'noeviction'],
    { stdio: 'ignore', detached: true },
  );
  for (let i = 0; i < 50; i++) {
    if (await redisAnswers(env.REDIS_URL)) return `a private redis-server on port ${port || 6379} (data in .voxq/redis)`;
    await new Promise((r) => setTimeout(r, 100));
  }
  console.error('redis-server did not start; see `redis-server --port 6379` output.');
  return stop(1);
}

/**
 * s3rver, in this process: an embedded S3 written in JavaScript (no Docker, no binary to
 * download) that speaks the S3 REST API the AWS SDK uses, multipart uploads and presigned
 * URLs included. Data persists in .voxq/s3. Production points S3_ENDPOINT at S3 or MinIO.
 */
async function ensureLocalS3() {
  let S3rver;
  try {
    ({ default: S3rver } = await import('s3rver'));
  } catch {
    console.error('s3rver is not installed (npm ci installs it); or set S3_ENDPOINT to an S3 or MinIO of yours.');
    return stop(1);
  }
  mkdirSync('.voxq/s3', { recursive: true });
  localS3 = new S3rver({
    address: '127.0.0.1',
    port: Number(localS3Port),
    directory: '.voxq/s3',
    silent: true,
    configureBuckets: [{ name: env.S3_BUCKET }],
  });
  try {
    await localS3.run();
  } catch (error) {
    localS3 = null;
    console.error(`The local S3 could not listen on port ${localS3Port} (${error.message}). Set S3_LOCAL_PORT, or S3_ENDPOINT to an S3 of yours.`);
    return stop(1);
  }
  // The bucket's address first: the README's bucket-drop example takes it as S3_URL.
  return `${env.S3_ENDPOINT}/${env.S3_BUCKET}   (s3rver, bucket ${env.S3_BUCKET}; data in .voxq/s3)`;
}

/**
 * The history tier's Postgres, embedded: PGlite (Postgres compiled to WASM, nothing to
 * install) served on the Postgres wire protocol from this process, data in .voxq/pg. It runs
 * one statement at a time, so each app keeps one connection. Production sets POSTGRES_URL.
 */
async function ensureLocalPostgres() {
  const { startEmbeddedPostgres } = await importLibs('start-postgres', "export { startEmbeddedPostgres } from '@voxq/history';");
  try {
    localPostgres = await startEmbeddedPostgres({ dir: localPostgresDir, port: Number(localPostgresPort) });
  } catch (error) {
    console.error(
      `The embedded Postgres could not start on port ${localPostgresPort} (${error.message}). Set POSTGRES_LOCAL_PORT, or POSTGRES_URL to a Postgres of yours.`,
    );
    return stop(1);
  }
  env.POSTGRES_URL = localPostgres.url;
  env.POSTGRES_POOL_MAX = '1';
  return `${localPostgres.url}   (PGlite, embedded; data in ${localPostgresDir})`;
}

const builds = ['api', 'worker', 'dispatcher', ...(useSimulator ? ['simulator'] : []), 'cli'];
const build = spawnSync(process.execPath, ['tools/build-app.mjs', ...builds], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

await ensurePortFree(env.API_PORT || '8080', 'the API', 'API_PORT');
if (useSimulator) await ensurePortFree(env.SIMULATOR_PORT, 'the provider simulator', 'SIMULATOR_PORT');
const redisSource = await ensureRedis();
const s3Source = useLocalS3 ? await ensureLocalS3() : `${env.S3_ENDPOINT}, bucket ${env.S3_BUCKET || 'voxq'}`;
const historySource = useLocalPostgres ? await ensureLocalPostgres() : 'the Postgres at POSTGRES_URL';
if (useSimulator) run('simulator', ['--enable-source-maps', ...nodeArgsOf('simulator'), 'dist/apps/simulator/main.js']);
for (const app of ['api', 'worker', 'dispatcher']) run(app, ['--enable-source-maps', ...nodeArgsOf(app), `dist/apps/${app}/main.js`]);

const port = env.API_PORT || '8080';
const base = `http://127.0.0.1:${port}`;
// Say plainly what answers as whom: without OPENAI_API_KEY, "openai" is the simulator.
const simulated = useSimulator
  ? `the provider simulator (${env.OPENAI_BASE_URL}) answers as "openai" for chat, embeddings, images, whisper-1, tts-1
               and gpt-realtime (ws://…/v1/realtime): simulated replies, transcripts ("Simulated
               transcript of …"), small PNGs and a tone for speech.
               Set OPENAI_API_KEY to use OpenAI itself.`
  : `OpenAI at ${env.OPENAI_BASE_URL ?? 'api.openai.com'}`;
console.log(`
voxq is starting with local defaults:
  API          ${base}   (GET /healthz, POST /v1/jobs)
  API docs     ${base}/docs   (the OpenAPI document: ${base}/openapi.json)
  Console      ${base}/console   (for tenants: sign in with an API key)
  Dashboard    ${base}/admin   (user admin, password ${env.ADMIN_TOKEN}; ADMIN_TOKEN, kept in .voxq/admin.token)
  Redis        ${redisSource}
  S3           ${s3Source}
  History      ${historySource}
  Providers    ${simulated}
               espeak-ng (speech) and pocketsphinx (transcripts) run for real when installed;
               a job picks them by ranking, or pin them: constraints.allowedProviders {tts: ["espeak-ng"], stt: ["pocketsphinx"]}.
  Webhooks     private-network and http URLs allowed (local development only)${metricsBanner(env) ? `\n  Metrics      ${metricsBanner(env)}` : ''}
Create an API key:  npm run keys -- create --tenant demo
Stop with Ctrl-C.
`);
