// `npm start`: voxq on one machine with local defaults: api + worker + dispatcher, the
// provider simulator standing in for OpenAI when no key is configured, and a private
// redis-server when none answers at REDIS_URL. Production runs each app on its own
// (`node dist/apps/<app>/main.js`); this is the development and evaluation path.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { redisAnswers } from './lib/net.mjs';

if (existsSync('.env')) process.loadEnvFile('.env');
const env = { ...process.env };
const defaults = {
  REDIS_URL: 'redis://127.0.0.1:6379',
  // Local receivers (the README's walk-through) live on localhost over plain http.
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
  WEBHOOK_ALLOW_HTTP: 'true',
  SIMULATOR_PORT: '4010',
};
for (const [k, v] of Object.entries(defaults)) env[k] ||= v;

const useSimulator = !env.OPENAI_API_KEY;
if (useSimulator) {
  env.OPENAI_API_KEY = 'sk-sim-local';
  env.OPENAI_BASE_URL = `http://127.0.0.1:${env.SIMULATOR_PORT}/v1`;
}

const children = [];
let stopping = false;

function run(name, args, { critical = true } = {}) {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = `[${name}]`.padEnd(13);
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream.on('data', (chunk) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop();
      for (const line of lines) process.stdout.write(`${prefix}${line}\n`);
    });
  }
  child.on('exit', (code, signal) => {
    if (stopping) return;
    console.error(`${prefix}exited (${signal ?? code}); stopping everything.`);
    if (critical) void stop(1);
  });
  children.push(child);
  return child;
}

async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  await Promise.all(
    children.map(
      (child) =>
        new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', resolve);
          child.kill('SIGTERM');
        }),
    ),
  );
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

async function ensureRedis() {
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
  const redis = spawn(
    'redis-server',
    ['--port', port || '6379', '--bind', '127.0.0.1', '--dir', '.voxq/redis', '--appendonly', 'yes', '--maxmemory-policy', 'noeviction'],
    { stdio: 'ignore' },
  );
  children.push(redis);
  for (let i = 0; i < 50; i++) {
    if (await redisAnswers(env.REDIS_URL)) return `a private redis-server on port ${port || 6379} (data in .voxq/redis)`;
    await new Promise((r) => setTimeout(r, 100));
  }
  console.error('redis-server did not start; see `redis-server --port 6379` output.');
  return stop(1);
}

const apps = ['api', 'worker', 'dispatcher', ...(useSimulator ? ['simulator'] : []), 'cli'];
const build = spawnSync(process.execPath, ['tools/build-app.mjs', ...apps], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const redisSource = await ensureRedis();
if (useSimulator) run('simulator', ['--enable-source-maps', 'dist/apps/simulator/main.js']);
for (const app of ['api', 'worker', 'dispatcher']) run(app, ['--enable-source-maps', `dist/apps/${app}/main.js`]);

const port = env.API_PORT || '8080';
console.log(`
voxq is starting with local defaults:
  API          http://127.0.0.1:${port}   (GET /healthz, POST /v1/jobs)
  Redis        ${redisSource}
  LLM          ${useSimulator ? `provider simulator at ${env.OPENAI_BASE_URL} (set OPENAI_API_KEY to use OpenAI)` : env.OPENAI_BASE_URL ?? 'OpenAI'}
  TTS / STT    espeak-ng / pocketsphinx, when installed
  Webhooks     private-network and http URLs allowed (local development only)
Create an API key:  npm run keys -- create --tenant demo
Stop with Ctrl-C.
`);
