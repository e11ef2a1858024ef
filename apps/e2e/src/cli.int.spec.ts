import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, sineWav, startSimulatedStack, type SimulatedStack, redisEnv } from '@voxq/testing';

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The API runs in this process, so the CLI must run asynchronously (a sync spawn would block the API). */
function voxq(env: Record<string, string>, ...args: string[]): Promise<CliRun> {
  return voxqIn(process.cwd(), { ...process.env, ...env }, ...args);
}

/** The CLI run from `cwd` with exactly `env`. */
function voxqIn(cwd: string, env: NodeJS.ProcessEnv, ...args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(process.cwd(), 'tools/voxq-cli.mjs'), ...args], { cwd, env, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** The stack's speech-to-text providers: the local engine and the simulated Whisper. */
const STT = /^(pocketsphinx|openai)$/;

const jsonLines = (text: string) =>
  text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

/** `npx voxq …` (tools/voxq-cli.mjs → apps/cli) as a user runs it, against the real stack. */
describe('voxq CLI', () => {
  let stack: SimulatedStack;
  let env: Record<string, string>;
  let dir: string;

  beforeAll(async () => {
    stack = await startSimulatedStack();
    const { apiKey } = await stack.createKey('cli-tenant');
    env = { VOXQ_URL: stack.url, VOXQ_API_KEY: apiKey };
    dir = await mkdtemp(join(tmpdir(), 'voxq-cli-'));
    // Builds the bundle once if the sources changed, so the tests below do not race to.
    expect((await voxq({}, 'help')).code).toBe(0);
  });
  afterAll(async () => {
    await stack?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('submits a job and waits for it, with a progress bar on stderr and the job on stdout', async () => {
    const run = await voxq(env, 'submit', 'complete', '--text', 'from the cli', '--metadata', 'origin=cli', '--wait');
    expect(run.code).toBe(0);
    const job = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(job).toMatchObject({ type: 'complete', status: 'completed', metadata: { origin: 'cli' }, result: { text: 'Simulated reply to: from the cli' } });
    expect(run.stderr).toMatch(/\[#{24}\] 1\/1/);

    const got = await voxq(env, 'get', job['id'] as string);
    expect(JSON.parse(got.stdout)).toMatchObject({ id: job['id'], status: 'completed' });
    const list = await voxq(env, 'list', '--type', 'complete', '--json');
    expect((JSON.parse(list.stdout) as { data: Array<{ id: string }> }).data.map((j) => j.id)).toContain(job['id']);
  });

  it('submit-dir uploads two WAVs and submits a job for each; wait follows both', async () => {
    const folder = join(dir, 'inbox');
    await mkdir(folder);
    await writeFile(join(folder, 'one.wav'), sineWav(0.3));
    await writeFile(join(folder, 'two.wav'), sineWav(0.4));
    await writeFile(join(folder, 'notes.md'), 'not audio');

    const run = await voxq(env, 'submit-dir', folder, '--type', 'transcribe', '--concurrency', '2', '--language', 'en-US');
    expect(run.code).toBe(0);
    const submitted = jsonLines(run.stdout);
    expect(submitted.map((s) => s['file']).sort()).toEqual([join(folder, 'one.wav'), join(folder, 'two.wav')]);

    const ids = submitted.map((s) => s['id'] as string);
    const waited = await voxq(env, 'wait', ...ids, '--timeout', '60');
    expect(waited.code).toBe(0);
    const finished = jsonLines(waited.stdout);
    expect(finished.map((j) => j['id'])).toEqual(ids);
    // Whichever speech-to-text provider ranks first (pocketsphinx, or the simulated Whisper on a busy machine): the CLI is what is under test.
    for (const job of finished) expect(job).toMatchObject({ type: 'transcribe', status: 'completed', result: { provider: expect.stringMatching(STT) } });
    expect(waited.stderr).toContain('2/2');
  });

  it('downloads a synthesize result', async () => {
    const submitted = await voxq(env, 'submit', 'synthesize', '--text', 'Hello from the command line.', '--language', 'en-US');
    expect(submitted.code).toBe(0);
    const { id } = JSON.parse(submitted.stdout) as { id: string };
    expect((await voxq(env, 'wait', id)).code).toBe(0);
    const out = join(dir, 'hello.wav');
    const run = await voxq(env, 'download', id, '-o', out);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`to ${out}`);
    const audio = await readFile(out);
    expect(audio.subarray(0, 4).toString()).toBe('RIFF');
    expect(audio.length).toBeGreaterThan(1000);

    const direct = join(dir, 'direct.wav');
    const waited = await voxq(env, 'submit', 'synthesize', '--text', 'Straight to a file.', '--wait', '-o', direct);
    expect(waited.code).toBe(0);
    expect(JSON.parse(waited.stdout)).toMatchObject({ type: 'synthesize', status: 'completed' });
    expect((await readFile(direct)).subarray(0, 4).toString()).toBe('RIFF');
  });

  it('transcribes a file given to submit, uploading it first', async () => {
    const wav = join(dir, 'single.wav');
    await writeFile(wav, sineWav(0.3));
    const run = await voxq(env, 'submit', 'transcribe', '--file', wav, '--language', 'en-US', '--wait');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'completed', result: { provider: expect.stringMatching(STT) } });
  });

  it('manages drop rules through the API', async () => {
    const created = await voxq(
      env,
      'drops',
      'create',
      '--prefix',
      'tenants/cli-tenant/in/',
      '--output-prefix',
      'tenants/cli-tenant/out/',
      '--type',
      'transcribe',
    );
    expect(created.code).toBe(0);
    const rule = JSON.parse(created.stdout) as { id: string };
    expect(rule).toMatchObject({ object: 'drop_rule', type: 'transcribe', prefix: 'tenants/cli-tenant/in/' });
    expect((await voxq(env, 'drops', 'list')).stdout).toContain(rule.id);
    expect((await voxq(env, 'drops', 'delete', rule.id)).code).toBe(0);
    expect((await voxq(env, 'drops', 'list', '--json')).stdout.trim()).toBe('[]');
  });

  it('keeps the operator key commands (Redis), whose key then works for API commands', async () => {
    const redis = redisEnv(stack.config);
    const created = await voxq(redis, 'keys', 'create', 'cli-ops', '--rate-limit', '5', '--json');
    expect(created.code).toBe(0);
    const key = JSON.parse(created.stdout) as { apiKey: string; keyId: string; rateLimit: { perSecond: number } };
    expect(key.rateLimit.perSecond).toBe(5);
    const list = await voxq({ VOXQ_URL: stack.url }, 'list', '--api-key', key.apiKey);
    expect(list).toMatchObject({ code: 0, stdout: '(no jobs)\n' });
    expect((await voxq(redis, 'keys', 'list', 'cli-ops')).stdout).toContain(key.keyId);
  });

  it('keys reads the .env npm start reads, so the key lands in the Redis voxq uses', async () => {
    const here = await mkdtemp(join(tmpdir(), 'voxq-cli-env-'));
    try {
      const dotenv = Object.entries(redisEnv(stack.config)).map(([name, value]) => `${name}=${value}\n`);
      await writeFile(join(here, '.env'), dotenv.join(''));
      const { REDIS_URL: _url, REDIS_PREFIX: _prefix, REDIS_CLUSTER_NODES: _cluster, ...rest } = process.env;
      const created = await voxqIn(here, rest, 'keys', 'create', 'cli-dotenv', '--json');
      expect(created.code, created.stderr).toBe(0);
      const { apiKey } = JSON.parse(created.stdout) as { apiKey: string };
      expect((await stack.request(apiKey, 'GET', '/v1/jobs')).status).toBe(200);
    } finally {
      await rm(here, { recursive: true, force: true });
    }
  });

  it('keys says in one line that Redis is not reachable, with the password masked, and exits 1', async () => {
    const dead = await freePort();
    const run = await voxq({ REDIS_URL: `redis://voxq:hunter2-secret@127.0.0.1:${dead}` }, 'keys', 'create', 'cli-no-redis');
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      `Redis is not reachable at REDIS_URL=redis://***@127.0.0.1:${dead} (connect ECONNREFUSED 127.0.0.1:${dead}): ` +
        'start it (npm start starts one), or set REDIS_URL in the environment or in .env, which this command reads as npm start does.',
    );
  });

  it('reports API errors and usage errors with distinct exit codes', async () => {
    const missing = await voxq(env, 'get', 'job_0000000000000000000000000000');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/Error 404 job_not_found: .*\[request .+\]/);
    const bad = await voxq(
      env,
      'submit',
      'complete',
      '--text',
      'x',
      '--request',
      '{"type":"complete","input":{"messages":[{"role":"user","content":"x"}],"temperature":9}}',
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Error 400 invalid_request (input.temperature)');
    expect((await voxq(env, 'submit', 'sing')).code).toBe(2);
    expect((await voxq({ VOXQ_API_KEY: '' }, 'get', 'job_x')).stderr).toContain('VOXQ_API_KEY');
  });
});
