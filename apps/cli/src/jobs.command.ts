import { createReadStream } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { JobCreateRequest, JobStreamEvent, JobType, JobView, VoxqClient } from '@voxq/sdk';
import { intFlag, parseCommand, printJson, UsageError, type ApiEnv } from './api-command';
import { ProgressBar } from './progress-bar';

export const JOBS_USAGE = `Jobs (VOXQ_URL, default ${'http://127.0.0.1:8080'}, and VOXQ_API_KEY, or --url / --api-key, or voxq config set):
  voxq submit <transcribe|synthesize|complete|embed|image> [--text <t>] [--file <path>] [--messages <json|text>]
              [--system <prompt>] [--language <tag>] [--voice <v>] [--upload-id <up_…>] [--audio-url <url>]
              [--webhook <url>] [--metadata k=v]... [--idempotency-key <k>] [--request <json|@file>]
              [--wait] [--timeout <s>] [-o <file>]
                                   submit a job (a transcribe --file is uploaded first); --wait follows its
                                   events on stderr and prints the finished job (-o saves synthesize audio)
  voxq submit-dir <folder> --type <transcribe|synthesize> [--concurrency <n>] [--language <tag>] [--wait]
                                   one job per file (audio files are uploaded first; .txt files for synthesize);
                                   prints {file, id} lines, then with --wait the finished jobs
  voxq wait <jobId>... [--timeout <s>] [--concurrency <n>]
                                   wait for jobs (progress bar on stderr); prints each finished job as a JSON line
  voxq get <jobId>                 print a job
  voxq list [--status <s>] [--type <t>] [--limit <n>]
  voxq cancel <jobId>
  voxq download <jobId> [-o <file>|-]
                                   save a synthesize job's audio (default <jobId>.<ext>), or print another's result
Exit status: 0 when every job completed, 1 when one failed or was cancelled, 2 on a usage error.`;

const AUDIO_TYPES: Record<string, string> = {
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.flac': 'audio/flac',
  '.ogg': 'audio/ogg',
  '.opus': 'audio/ogg',
  '.m4a': 'audio/mp4',
  '.aac': 'audio/aac',
  '.webm': 'audio/webm',
  '.mp4': 'video/mp4',
};
const EXTENSIONS: Record<string, string> = {
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
  'audio/wave': 'wav',
  'audio/mpeg': 'mp3',
  'audio/ogg': 'ogg',
  'audio/flac': 'flac',
  'audio/webm': 'webm',
  'audio/mp4': 'm4a',
};
/** The commands `jobsCommand` runs. */
export const JOB_COMMANDS: ReadonlySet<string> = new Set(['submit', 'submit-dir', 'wait', 'get', 'list', 'cancel', 'download']);

const JOB_TYPES: readonly JobType[] = ['transcribe', 'synthesize', 'complete', 'embed', 'image'];

const jobType = (value: unknown): JobType => {
  if (!JOB_TYPES.includes(value as JobType)) throw new UsageError(`The job type must be one of ${JOB_TYPES.join(', ')} (got '${String(value ?? '')}').`);
  return value as JobType;
};

const audioTypeOf = (path: string) => AUDIO_TYPES[extname(path).toLowerCase()];

/** `--metadata k=v` flags as a record. */
function metadataOf(pairs: unknown): Record<string, string> | undefined {
  if (!Array.isArray(pairs) || pairs.length === 0) return undefined;
  return Object.fromEntries(
    pairs.map((pair: string) => {
      const at = pair.indexOf('=');
      if (at < 1) throw new UsageError(`--metadata takes key=value (got '${pair}').`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
}

/** A JSON flag value, or `@path` to read it from a file. */
async function jsonFlag(name: string, value: string): Promise<unknown> {
  const text = value.startsWith('@') ? await readFile(value.slice(1), 'utf8') : value;
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`--${name} must be JSON (or @file).`);
  }
}

/** Options shared by every job a command submits. */
function jobOptions(values: Record<string, unknown>) {
  const metadata = metadataOf(values['metadata']);
  return {
    ...(values['language'] ? { intent: { language: values['language'] as string } } : {}),
    ...(values['webhook'] ? { webhook: { url: values['webhook'] as string } } : {}),
    ...(metadata ? { metadata } : {}),
  };
}

async function uploadFile(client: VoxqClient, path: string): Promise<string> {
  const contentType = audioTypeOf(path);
  if (!contentType) throw new UsageError(`${path}: not a known audio file (${Object.keys(AUDIO_TYPES).join(' ')}).`);
  const upload = await client.uploads.create(createReadStream(path), { contentType, filename: basename(path) });
  return upload.id;
}

/** The job request `voxq submit` describes. */
async function submitRequest(client: VoxqClient, type: JobType, values: Record<string, unknown>): Promise<JobCreateRequest> {
  if (typeof values['request'] === 'string') return (await jsonFlag('request', values['request'])) as JobCreateRequest;
  const text = values['text'] as string | undefined;
  const file = values['file'] as string | undefined;
  const options = jobOptions(values);
  if (type === 'complete') {
    const raw = values['messages'] as string | undefined;
    let messages: unknown = text === undefined ? undefined : [{ role: 'user', content: text }];
    if (raw !== undefined) messages = raw.trim().startsWith('[') ? await jsonFlag('messages', raw) : [{ role: 'user', content: raw }];
    if (!messages) throw new UsageError('complete needs --messages (a JSON array or a user message) or --text.');
    const system = values['system'] as string | undefined;
    return { type, input: { messages: messages as never, ...(system ? { systemPrompt: system } : {}) }, ...options };
  }
  if (type === 'synthesize') {
    const said = text ?? (file ? await readFile(file, 'utf8') : undefined);
    if (!said) throw new UsageError('synthesize needs --text or --file <text file>.');
    const voice = values['voice'] as string | undefined;
    return { type, input: { text: said, ...(voice ? { voice } : {}) }, ...options };
  }
  if (type === 'embed') {
    const said = text ?? (file ? await readFile(file, 'utf8') : undefined);
    if (!said) throw new UsageError('embed needs --text or --file <text file>.');
    return { type, input: { input: said }, ...options };
  }
  if (type === 'image') {
    const prompt = text ?? (file ? await readFile(file, 'utf8') : undefined);
    if (!prompt) throw new UsageError('image needs --text <prompt> or --file <text file>.');
    return { type, input: { prompt }, ...options };
  }
  const uploadId = (values['upload-id'] as string | undefined) ?? (file ? await uploadFile(client, file) : undefined);
  const url = values['audio-url'] as string | undefined;
  if (!uploadId && !url) throw new UsageError('transcribe needs --file <audio>, --upload-id or --audio-url.');
  return { type, input: { audio: uploadId ? { uploadId } : { url: url! } }, ...options };
}

const describeEvent = (event: JobStreamEvent): string => {
  switch (event.type) {
    case 'job':
      return `${event.job.id} ${event.job.status}`;
    case 'provider_attempt':
      return `provider ${event.provider}/${event.model} ${event.ms} ms${event.error ? ` (${event.error.code})` : ''}`;
    case 'attempt_failed':
      return `attempt ${event.attempt} failed: ${event.error.code}${event.willRetry ? ', retrying' : ''}`;
    case 'started':
      return `attempt ${event.attempt} started`;
    case 'waiting':
      return `waiting until ${event.until}: ${event.reason}`;
    case 'tool_calls':
      return `tool calls: ${event.calls.map((c) => c.name).join(', ')}`;
    default:
      return event.type;
  }
};

/** Waits for every job, `concurrency` at a time, drawing one bar; returns them in the order given. */
async function waitAll(client: VoxqClient, ids: string[], options: { timeoutMs: number; concurrency: number }): Promise<JobView[]> {
  const bar = new ProgressBar(process.stderr, ids.length);
  const results: JobView[] = new Array(ids.length);
  let done = 0;
  let failed = 0;
  let note = '';
  const draw = () => bar.render(done, [failed ? `${failed} not completed` : '', note].filter(Boolean).join(' · '));
  draw();
  let next = 0;
  const one = async () => {
    while (next < ids.length) {
      const i = next++;
      const job = await client.jobs.wait(ids[i]!, {
        timeoutMs: options.timeoutMs,
        // With one job the bar also says what it is doing; with many that would only flicker.
        ...(ids.length === 1 ? { onEvent: (event: JobStreamEvent) => ((note = describeEvent(event)), draw()) } : {}),
      });
      results[i] = job;
      done++;
      if (job.status !== 'completed') failed++;
      draw();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(options.concurrency, ids.length) }, one));
  } finally {
    bar.finish();
  }
  return results;
}

/** Runs `tasks` with at most `limit` in flight; results keep the tasks' order. */
async function pool<T>(tasks: Array<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, tasks.length) }, async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await tasks[i]!();
      }
    }),
  );
  return results;
}

const allCompleted = (jobs: JobView[]) => (jobs.every((j) => j.status === 'completed') ? 0 : 1);

const SUBMIT_OPTIONS = {
  text: { type: 'string' },
  file: { type: 'string' },
  messages: { type: 'string' },
  system: { type: 'string' },
  language: { type: 'string' },
  voice: { type: 'string' },
  'upload-id': { type: 'string' },
  'audio-url': { type: 'string' },
  webhook: { type: 'string' },
  metadata: { type: 'string', multiple: true },
  'idempotency-key': { type: 'string' },
  request: { type: 'string' },
  wait: { type: 'boolean', default: false },
  timeout: { type: 'string' },
  output: { type: 'string', short: 'o' },
  type: { type: 'string' },
  concurrency: { type: 'string' },
  status: { type: 'string' },
  limit: { type: 'string' },
} as const;

/** Writes a job's result: audio to a file (or stdout with `-`), JSON to stdout or a file. */
async function download(client: VoxqClient, id: string, output: string | undefined): Promise<void> {
  const result = await client.jobs.result(id);
  if (result.kind === 'json') {
    const text = `${JSON.stringify(result.result, null, 2)}\n`;
    if (output && output !== '-') await writeFile(output, text);
    else process.stdout.write(text);
    return;
  }
  if (output === '-') return void process.stdout.write(result.bytes);
  const path = output ?? `${id}.${EXTENSIONS[result.contentType.split(';')[0]!.trim()] ?? 'bin'}`;
  await writeFile(path, result.bytes);
  console.error(`Saved ${result.bytes.byteLength} bytes (${result.contentType}) to ${path}`);
}

/** `voxq submit|submit-dir|wait|get|list|cancel|download`. Returns the exit status. */
export async function jobsCommand(command: string, argv: string[], env: ApiEnv): Promise<number> {
  const { positionals, values, client: makeClient } = parseCommand(argv, SUBMIT_OPTIONS, env);
  if (values['help']) {
    console.log(JOBS_USAGE);
    return 0;
  }
  const client = makeClient();
  const timeoutMs = intFlag('timeout', values['timeout'], 600) * 1000;
  const concurrency = intFlag('concurrency', values['concurrency'], 4);

  switch (command) {
    case 'submit': {
      const type = jobType(positionals[0]);
      const request = await submitRequest(client, type, values);
      const key = values['idempotency-key'] as string | undefined;
      const job = await client.jobs.create(request, key ? { idempotencyKey: key } : {});
      if (!values['wait']) {
        printJson(job);
        return 0;
      }
      const [done] = await waitAll(client, [job.id], { timeoutMs, concurrency: 1 });
      printJson(done);
      if (done!.status === 'completed' && values['output']) await download(client, done!.id, values['output'] as string);
      return allCompleted([done!]);
    }
    case 'submit-dir': {
      const folder = positionals[0];
      if (!folder) throw new UsageError('submit-dir needs a folder.');
      const type = jobType(values['type']);
      if (type !== 'transcribe' && type !== 'synthesize') throw new UsageError('submit-dir takes --type transcribe (audio files) or synthesize (.txt files).');
      const names = (await readdir(folder)).filter((name) => !name.startsWith('.')).sort();
      const files: string[] = [];
      for (const name of names) {
        const path = join(folder, name);
        const wanted = type === 'transcribe' ? audioTypeOf(path) !== undefined : extname(path).toLowerCase() === '.txt';
        if (wanted && (await stat(path)).isFile()) files.push(path);
      }
      if (files.length === 0) throw new UsageError(`${folder}: no ${type === 'transcribe' ? 'audio' : '.txt'} files.`);
      const options = jobOptions(values);
      const submitted = await pool(
        files.map((file) => async () => {
          const request: JobCreateRequest =
            type === 'transcribe'
              ? { type, input: { audio: { uploadId: await uploadFile(client, file) } }, ...options }
              : { type, input: { text: await readFile(file, 'utf8') }, ...options };
          const job = await client.jobs.create(request);
          printJson({ file, id: job.id, status: job.status }, false);
          return job;
        }),
        concurrency,
      );
      if (!values['wait']) return 0;
      const finished = await waitAll(
        client,
        submitted.map((j) => j.id),
        { timeoutMs, concurrency },
      );
      finished.forEach((job) => printJson(job, false));
      return allCompleted(finished);
    }
    case 'wait': {
      if (positionals.length === 0) throw new UsageError('wait needs one or more job ids.');
      const finished = await waitAll(client, positionals, { timeoutMs, concurrency });
      finished.forEach((job) => printJson(job, false));
      return allCompleted(finished);
    }
    case 'get':
    case 'cancel': {
      const id = positionals[0];
      if (!id) throw new UsageError(`${command} needs a job id.`);
      printJson(command === 'get' ? await client.jobs.get(id) : await client.jobs.cancel(id));
      return 0;
    }
    case 'list': {
      const page = await client.jobs.list({
        ...(values['status'] ? { status: values['status'] as JobView['status'] } : {}),
        ...(values['type'] ? { type: jobType(values['type']) } : {}),
        limit: intFlag('limit', values['limit'], 20),
      });
      if (values['json']) {
        printJson(page);
        return 0;
      }
      console.log(page.data.map((j) => `${j.id}  ${j.type.padEnd(10)}  ${j.status.padEnd(9)}  ${j.createdAt}`).join('\n') || '(no jobs)');
      return 0;
    }
    case 'download': {
      const id = positionals[0];
      if (!id) throw new UsageError('download needs a job id.');
      await download(client, id, values['output'] as string | undefined);
      return 0;
    }
    default:
      throw new UsageError(`Unknown command '${command}'.`);
  }
}
