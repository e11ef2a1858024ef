import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, freePort, redisEnv, startSimulatedStack, startWebhookReceiver, type SimulatedStack, type WebhookReceiver } from '@voxq/testing';
import { readmeBlock, readmeText, REPO_ROOT, RUN_SDK_TS, runPasted, startPasted } from './readme-blocks';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A program run asynchronously (the API answers from this process), with `input` as its stdin. */
function run(file: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; input?: string }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** Every file under `dir`. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** A consumer's own code: if the contract types did not resolve they would be `any`, and the expected errors would not come. */
const CONSUMER_TS = `import { VoxqClient, VoxqError, type JobCreateRequest, type JobView, type WebhookEvent } from '@voxq/sdk';

const voxq = new VoxqClient({ baseUrl: 'http://127.0.0.1:8080', apiKey: 'vq_typecheck' });
const request: JobCreateRequest = { type: 'transcribe', input: { audio: { uploadId: 'up_1' } }, intent: { language: 'en-US' } };
const job: JobView = await voxq.jobs.create(request);
const text: string | undefined = job.result && 'text' in job.result ? job.result.text : undefined;
// @ts-expect-error: not a job type
await voxq.jobs.create({ type: 'sing', input: {} });
// @ts-expect-error: a job id is a string
const id: number = job.id;
const event: WebhookEvent['type'] = 'job.completed';
console.log(text, id, event, VoxqError);
`;

/**
 * The installable packages (issue 17): the README's install block as pasted (`npm run
 * build:packages`, both tarballs installed into a new folder outside the clone), then the
 * packages used from that folder as a user would: a plain ESM script and the README's SDK
 * examples against a running stack, a strict `nodenext` type check against the installed
 * declarations, and the installed `voxq` bin, configured by environment or by its settings file.
 */
describe('the packages, installed outside the clone', () => {
  let stack: SimulatedStack;
  let receiver: WebhookReceiver;
  let env: NodeJS.ProcessEnv;
  let secret: string;
  let apiKey: string;
  let app: string;

  const pasted = (name: string, lang: string) => {
    const block = readmeBlock(name);
    expect(block.lang).toBe(lang);
    return block.source;
  };

  beforeAll(async () => {
    stack = await startSimulatedStack();
    // The walk-through's tenant, with what it leaves in the shell (the CLI block's drop-rule prefixes are its folder).
    const key = await stack.createKey('demo');
    apiKey = key.apiKey;
    secret = key.webhookSecret;
    receiver = await startWebhookReceiver({ secret });
    env = { ...process.env, VOXQ_URL: stack.url, KEY: apiKey, SECRET: secret, HOOK: receiver.url, ...redisEnv(stack.config) };
    // The install block as pasted, then `pwd`: the folder it left the terminal in. Packages
    // come from npm's cache when it has them (CI's `npm ci` filled it).
    const install = await runPasted(`${pasted('voxq-packages', 'sh')}pwd\n`, { env: { ...env, npm_config_prefer_offline: 'true' }, timeoutMs: 170_000 });
    expect(install.code, install.output).toBe(0);
    app = install.output.trimEnd().split('\n').at(-1)!;
    expect(relative(REPO_ROOT, app)).toMatch(/^\.\.\//);
    env['VOXQ_CLONE'] = REPO_ROOT;
  }, 180_000);
  afterAll(async () => {
    await receiver?.close();
    await stack?.close();
    if (app) await rm(app, { recursive: true, force: true });
  });

  it('installs @voxq/sdk and @voxq/cli from the tarballs, with no workspace path in them and npm dependencies at the root versions', async () => {
    const sdk = JSON.parse(await readFile(join(app, 'node_modules/@voxq/sdk/package.json'), 'utf8')) as {
      version: string;
      dependencies: Record<string, string>;
    };
    const root = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(sdk.version).toBe('0.1.0');
    for (const [name, version] of Object.entries(sdk.dependencies)) expect(version, name).toBe(root.dependencies[name]);
    const cli = JSON.parse(await readFile(join(app, 'node_modules/@voxq/cli/package.json'), 'utf8')) as Record<string, unknown>;
    expect(cli).toMatchObject({ name: '@voxq/cli', version: '0.1.0', license: 'MIT', bin: { voxq: './bin/voxq.js' } });
    expect(cli['dependencies']).toBeUndefined();

    const files = [...(await filesUnder(join(app, 'node_modules/@voxq/sdk'))), ...(await filesUnder(join(app, 'node_modules/@voxq/cli')))];
    expect(files.map((f) => relative(app, f))).toEqual(expect.arrayContaining(['node_modules/@voxq/sdk/dist/index.d.ts', 'node_modules/@voxq/sdk/README.md']));
    // The code and its declarations (`.d.ts` ends in `.ts`) import no workspace lib (the READMEs name @voxq/sdk, as they should).
    const code = files.filter((file) => /\.(js|ts)$/.test(file));
    expect(code.length).toBeGreaterThan(2);
    for (const file of code) expect(await readFile(file, 'utf8'), file).not.toMatch(/(?:from|import|require)\s*\(?\s*['"]@voxq\//);
  });

  it('runs a plain ESM script importing @voxq/sdk: a job submitted, waited for and its result read', async () => {
    await writeFile(
      join(app, 'first-job.mjs'),
      `import { VoxqClient } from '@voxq/sdk';
const voxq = new VoxqClient({ baseUrl: process.env.VOXQ_URL, apiKey: process.env.KEY });
const job = await voxq.jobs.create({ type: 'complete', input: { messages: [{ role: 'user', content: 'from the package' }] } });
const done = await voxq.jobs.wait(job.id, { timeoutMs: 60_000 });
console.log(JSON.stringify({ status: done.status, text: done.result?.text }));
`,
    );
    const result = await run(process.execPath, ['first-job.mjs'], { cwd: app, env });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ status: 'completed', text: 'Simulated reply to: from the package' });
  });

  it('gives the command these tests run its TypeScript examples with', () => {
    expect(readmeText()).toContain(`\`${RUN_SDK_TS}\``);
  });

  it('runs the README @voxq/sdk example: a job, its audio transcribed back, a batch and a typed error', async () => {
    const { code, output } = await runPasted(RUN_SDK_TS, { env, cwd: app, input: pasted('voxq-sdk', 'ts') });
    expect(code, output).toBe(0);
    expect(output).toMatch(/^completed$/m);
    expect(output).toMatch(/^batch_\w+ completed$/m);
    expect(output).toMatch(/^404 job_not_found$/m);
  }, 120_000);

  it("runs the README @voxq/sdk webhook receiver: a delivery signed with the tenant's secret passes, a forged one does not", async () => {
    const port = await freePort();
    const body = JSON.stringify({ id: 'evt_readme', type: 'job.completed', timestamp: new Date().toISOString(), data: {} });
    const post = (signedWith: string) => {
      const id = `msg_${signedWith.length}`;
      const timestamp = new Date();
      const signature = new Webhook(signedWith).sign(id, timestamp, body);
      return fetch(`http://127.0.0.1:${port}/hooks`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
          'webhook-signature': signature,
        },
        body,
      });
    };
    const running = startPasted(RUN_SDK_TS, { env: { ...env, PORT: String(port) }, cwd: app, input: pasted('voxq-sdk-webhooks', 'ts') });
    try {
      const genuine = await eventually(() => post(secret).catch(() => undefined), 60_000, 'the receiver to listen');
      expect(genuine.status).toBe(204);
      expect((await post(`whsec_${Buffer.from('not the tenant secret').toString('base64')}`)).status).toBe(401);
    } finally {
      // It serves until stopped, as Ctrl-C would.
      running.stop();
    }
    const { output } = await running.done;
    expect(output).toContain('job.completed evt_readme');
    expect(output).toMatch(/refused: /);
  }, 120_000);

  it("type-checks the README examples and a consumer's code against the installed declarations (strict, nodenext)", async () => {
    await mkdir(join(app, 'typecheck'), { recursive: true });
    await writeFile(join(app, 'typecheck/readme-sdk.ts'), pasted('voxq-sdk', 'ts'));
    await writeFile(join(app, 'typecheck/readme-webhooks.ts'), pasted('voxq-sdk-webhooks', 'ts'));
    await writeFile(join(app, 'typecheck/consumer.ts'), CONSUMER_TS);
    // The clone's TypeScript; @types/node as a consumer would install it beside the SDK (the README says so).
    const tsc = join(REPO_ROOT, 'node_modules/typescript/bin/tsc');
    const flags = ['--ignoreConfig', '--noEmit', '--strict', '--module', 'nodenext', '--target', 'es2022'];
    const types = ['--types', 'node', '--typeRoots', join(REPO_ROOT, 'node_modules/@types')];
    const files = ['typecheck/readme-sdk.ts', 'typecheck/readme-webhooks.ts', 'typecheck/consumer.ts'];
    const checked = await run(process.execPath, [tsc, ...flags, ...types, ...files], { cwd: app, env });
    expect(checked.code, checked.stdout + checked.stderr).toBe(0);
  }, 120_000);

  it('runs the installed voxq bin with VOXQ_URL / VOXQ_API_KEY, or with what voxq config set saved, and has no operator commands', async () => {
    const voxq = join(app, 'node_modules/.bin/voxq');
    // Nothing of the clone's or the test's environment: a fresh home and the PATH to find node.
    const home = join(app, 'home');
    await mkdir(home);
    const bare = { PATH: process.env['PATH'], HOME: home };

    const submitted = await run(voxq, ['submit', 'complete', '--text', 'from the bin', '--wait'], {
      cwd: app,
      env: { ...bare, VOXQ_URL: stack.url, VOXQ_API_KEY: apiKey },
    });
    expect(submitted.code, submitted.stderr).toBe(0);
    const job = JSON.parse(submitted.stdout) as { id: string };
    expect(job).toMatchObject({ type: 'complete', status: 'completed', result: { text: 'Simulated reply to: from the bin' } });

    expect((await run(voxq, ['get', job.id], { cwd: app, env: bare })).stderr).toContain('No API key');
    expect((await run(voxq, ['config', 'set', 'url', stack.url], { cwd: app, env: bare })).code).toBe(0);
    expect((await run(voxq, ['config', 'set', 'api-key', '-'], { cwd: app, env: bare, input: `${apiKey}\n` })).code).toBe(0);
    const shown = await run(voxq, ['config', 'show', '--json'], { cwd: app, env: bare });
    expect(JSON.parse(shown.stdout)).toMatchObject({
      path: join(home, '.config/voxq/config.json'),
      url: { value: stack.url, from: expect.stringContaining(home) },
    });
    expect(shown.stdout).not.toContain(apiKey);

    const got = await run(voxq, ['get', job.id], { cwd: app, env: bare });
    expect(got.code, got.stderr).toBe(0);
    expect(JSON.parse(got.stdout)).toMatchObject({ id: job.id, status: 'completed' });

    const keys = await run(voxq, ['keys', 'list', 'demo'], { cwd: app, env: bare });
    expect(keys.code).toBe(2);
    expect(keys.stderr).toContain("Unknown command 'keys'");
  }, 60_000);

  it('runs a Batch API file through the installed voxq: create and wait, then its output lines', async () => {
    const voxq = join(app, 'node_modules/.bin/voxq');
    const cliEnv = { PATH: process.env['PATH'], HOME: app, VOXQ_URL: stack.url, VOXQ_API_KEY: apiKey };
    const lines = ['q1', 'q2'].map((id) =>
      JSON.stringify({ custom_id: id, method: 'POST', url: '/v1/chat/completions', body: { messages: [{ role: 'user', content: id }] } }),
    );
    await writeFile(join(app, 'batch.jsonl'), `${lines.join('\n')}\n`);

    const created = await run(voxq, ['batches', 'create', 'batch.jsonl', '--wait', '--timeout', '90'], { cwd: app, env: cliEnv });
    expect(created.code, created.stderr).toBe(0);
    const batch = JSON.parse(created.stdout) as { id: string; status: string; endpoint: string; request_counts: { completed: number } };
    expect(batch).toMatchObject({ status: 'completed', endpoint: '/v1/chat/completions', request_counts: { completed: 2 } });
    expect(created.stderr).toContain('2/2');

    const output = await run(voxq, ['batches', 'output', batch.id], { cwd: app, env: cliEnv });
    expect(output.code, output.stderr).toBe(0);
    const answered = output.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { custom_id: string; response: { body: { object: string } } });
    expect(answered.map((a) => a.custom_id).sort()).toEqual(['q1', 'q2']);
    for (const answer of answered) expect(answer.response.body.object).toBe('chat.completion');
    expect((await run(voxq, ['batches', 'list'], { cwd: app, env: cliEnv })).stdout).toContain(batch.id);
  }, 120_000);

  it('runs the README voxq commands from that folder', async () => {
    const { code, output } = await runPasted(pasted('voxq-cli', 'sh'), { env, cwd: app, timeoutMs: 150_000 });
    expect(code, output).toBe(0);
    expect(output).toMatch(/Saved \d+ bytes \(audio\/wav\) to .*\/hello\.wav/);
    expect(output).toMatch(/"type":"complete","status":"completed"/);
    expect(output).toMatch(/"type":"transcribe","status":"completed"/);
    expect(output).toMatch(/^Deleted dr_[0-9a-f]+\.$/m);
  }, 180_000);
});
