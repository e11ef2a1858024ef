import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, Socket, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, freePort } from '@voxq/testing';

const answers = (url: string) =>
  fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
    (r) => r.ok,
    () => false,
  );

/** A TCP connection to the port is refused: nothing listens there any more. */
const closed = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = new Socket();
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
    socket.connect(port, '127.0.0.1');
  });

interface Launch {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  ports: { api: number; simulator: number; s3: number; redis: number; postgres: number };
}

/**
 * `npm start`'s launcher (`node tools/start.mjs`) as a user runs it, on ports of its own and
 * with a private redis-server of its own (nothing answers at its REDIS_URL).
 */
async function launch(wrap?: (args: string[]) => { command: string; args: string[] }, extra: NodeJS.ProcessEnv = {}): Promise<Launch> {
  const ports = { api: await freePort(), simulator: await freePort(), s3: await freePort(), redis: await freePort(), postgres: await freePort() };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    API_PORT: String(ports.api),
    SIMULATOR_PORT: String(ports.simulator),
    S3_LOCAL_PORT: String(ports.s3),
    POSTGRES_LOCAL_PORT: String(ports.postgres),
    POSTGRES_LOCAL_DIR: mkdtempSync(join(tmpdir(), 'voxq-launcher-pg-')),
    REDIS_URL: `redis://127.0.0.1:${ports.redis}`,
    SHUTDOWN_GRACE_MS: '10000',
    LOG_LEVEL: 'info',
    ...extra,
  };
  for (const name of ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'S3_ENDPOINT', 'REDIS_PREFIX', 'NODE_ENV', 'POSTGRES_URL']) delete env[name];
  const { command, args } = wrap ? wrap(['tools/start.mjs']) : { command: process.execPath, args: ['tools/start.mjs'] };
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await eventually(() => answers(`http://127.0.0.1:${ports.api}/healthz`).then((ok) => (ok ? true : undefined)), 90_000, 'the API up');
  // On a busy machine the worker and the dispatcher may still be starting when the API answers.
  await eventually(() => (/worker started/.test(text) && /dispatcher started/.test(text) ? true : undefined), 90_000, 'the worker and the dispatcher up');
  return { child, output: () => text, exited, ports };
}

/** Nothing the launcher started still listens: API, simulator, local S3, the embedded Postgres and its private Redis. */
async function allStopped(ports: Launch['ports']) {
  for (const port of Object.values(ports)) expect(await closed(port), `port ${port}`).toBe(true);
}

describe('npm start: the launcher stops what it started, in order (issue 15, point 9)', () => {
  const running: ChildProcess[] = [];
  const blockers: Server[] = [];
  afterEach(() => {
    for (const child of running.splice(0)) child.kill('SIGKILL');
    for (const server of blockers.splice(0)) server.close();
  });

  it('Ctrl-C stops the apps within their grace (one signal each), then Redis and S3, and exits 0; logs read as lines for people', async () => {
    // What a terminal gets (LOG_FORMAT=pretty is what a TTY gets by default).
    const started = await launch(undefined, { LOG_FORMAT: 'pretty' });
    running.push(started.child);
    started.child.kill('SIGINT');
    expect(await started.exited).toBe(0);
    const output = started.output();
    expect(output).not.toMatch(/second signal|did not stop in time|grace period over|ECONNREFUSED|Unhandled error event/);
    for (const app of ['api', 'worker', 'dispatcher']) expect(output).toMatch(new RegExp(`\\[${app}\\] +\\[\\d\\d:\\d\\d:\\d\\d\\] INFO: stopped`));
    expect(output).not.toMatch(/^\[api\] +\{"level"/m);
    // Said once per start, by the worker that calls them, not by every process that knows them.
    expect(output.match(/providers registered/g)).toHaveLength(1);
    // The bucket's address, which the README's bucket-drop example takes as S3_URL.
    expect(output).toMatch(new RegExp(`^  S3 +http://127\\.0\\.0\\.1:${started.ports.s3}/[a-z0-9-]+ `, 'm'));
    await allStopped(started.ports);
  }, 150_000);

  it('when the process that ran it goes away (kill <npm pid>), the launcher and everything it started stop too', async () => {
    // `sh` stands in for npm: it runs the launcher and waits for it; killing it orphans the launcher.
    const started = await launch((args) => ({ command: 'sh', args: ['-c', `"${process.execPath}" ${args.join(' ')}; true`] }));
    running.push(started.child);
    started.child.kill('SIGKILL');
    await eventually(
      async () => {
        await allStopped(started.ports);
        return true;
      },
      60_000,
      'everything the orphaned launcher started to stop',
    );
  }, 150_000);

  it('a port in use is a sentence naming it, not an EADDRINUSE stack', async () => {
    const api = await freePort();
    const blocker = createServer();
    blockers.push(blocker);
    await new Promise<void>((resolve) => blocker.listen(api, '127.0.0.1', resolve));
    const child = spawn(process.execPath, ['tools/start.mjs'], { env: { ...process.env, API_PORT: String(api) }, stdio: ['ignore', 'pipe', 'pipe'] });
    running.push(child);
    let text = '';
    child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code).toBe(1);
    expect(text).toContain(`Port ${api} (the API) is in use`);
    expect(text).not.toContain('EADDRINUSE');
  }, 90_000);
});
