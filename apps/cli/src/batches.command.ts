import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FINAL_BATCH_STATUSES, type BatchObject, type FileBatchCreateRequest, type VoxqClient } from '@voxq/sdk';
import { intFlag, parseCommand, printJson, UsageError, type ApiEnv } from './api-command';
import { ProgressBar } from './progress-bar';

export const BATCHES_USAGE = `Batches (OpenAI's Batch API: a JSONL file, one request per line):
  voxq batches create <file.jsonl> [--endpoint <path>] [--completion-window <24h>] [--wait] [--timeout <s>]
                                   upload the file and start a batch (the endpoint defaults to the first
                                   line's url); --wait follows its counts on stderr and prints it once it ended
  voxq batches get|wait|cancel <batchId>
  voxq batches list [--limit <n>]
  voxq batches output <batchId> [--errors] [-o <file>]
                                   its output file's lines (--errors: its error file's) to stdout or a file`;

const OPTIONS = {
  endpoint: { type: 'string' },
  'completion-window': { type: 'string' },
  wait: { type: 'boolean', default: false },
  timeout: { type: 'string' },
  limit: { type: 'string' },
  errors: { type: 'boolean', default: false },
  output: { type: 'string', short: 'o' },
} as const;

/** The `url` of the file's first request: a batch calls one endpoint. */
function firstUrl(jsonl: string): string {
  const first = jsonl.split('\n').find((line) => line.trim() !== '');
  try {
    const url = first === undefined ? undefined : (JSON.parse(first) as { url?: unknown }).url;
    if (typeof url === 'string') return url;
  } catch {
    // Not JSON: the API says which line is wrong; the endpoint must then be given.
  }
  throw new UsageError('batches create: pass --endpoint (the first line names no url).');
}

/** Polls the batch until it has ended, drawing its counts; a `wait_timeout` error after `timeoutMs`. */
async function follow(client: VoxqClient, id: string, timeoutMs: number): Promise<BatchObject> {
  const deadline = Date.now() + timeoutMs;
  let bar: ProgressBar | undefined;
  try {
    for (;;) {
      const batch = await client.batches.get(id);
      const { total, completed, failed } = batch.request_counts;
      // The total is known once the file is validated.
      if (total > 0)
        (bar ??= new ProgressBar(process.stderr, total)).render(
          completed + failed,
          [batch.status, failed ? `${failed} failed` : ''].filter(Boolean).join(' · '),
        );
      if (FINAL_BATCH_STATUSES.includes(batch.status)) return batch;
      if (Date.now() >= deadline)
        throw new Error(`Batch ${id} did not end within ${timeoutMs / 1000} s (it is ${batch.status}); 'voxq batches wait ${id}' goes on.`);
      await sleep(1_000);
    }
  } finally {
    bar?.finish();
  }
}

/** `voxq batches create|get|wait|cancel|list|output`. Exit status 1 when a waited batch did not complete. */
export async function batchesCommand(argv: string[], env: ApiEnv): Promise<number> {
  const { positionals, values, client: makeClient } = parseCommand(argv, OPTIONS, env);
  const [action, target] = positionals;
  if (values['help'] || !action) {
    (values['help'] ? console.log : console.error)(BATCHES_USAGE);
    return values['help'] ? 0 : 2;
  }
  if (action !== 'list' && !target) throw new UsageError(`batches ${action} needs a ${action === 'create' ? 'JSONL file' : 'batch id'}.`);
  const client = makeClient();
  const timeoutMs = intFlag('timeout', values['timeout'], 3_600) * 1000;
  const ended = (batch: BatchObject) => {
    printJson(batch);
    return batch.status === 'completed' ? 0 : 1;
  };

  switch (action) {
    case 'create': {
      const jsonl = await readFile(target!, 'utf8');
      const endpoint = ((values['endpoint'] as string | undefined) ?? firstUrl(jsonl)) as FileBatchCreateRequest['endpoint'];
      const file = await client.files.create(jsonl, { filename: basename(target!) });
      const window = values['completion-window'] as string | undefined;
      const batch = await client.batches.create({ input_file_id: file.id, endpoint, ...(window ? { completion_window: window } : {}) });
      if (values['wait']) return ended(await follow(client, batch.id, timeoutMs));
      printJson(batch);
      return 0;
    }
    case 'get':
      printJson(await client.batches.get(target!));
      return 0;
    case 'cancel':
      printJson(await client.batches.cancel(target!));
      return 0;
    case 'wait':
      return ended(await follow(client, target!, timeoutMs));
    case 'list': {
      const page = await client.batches.list({ limit: intFlag('limit', values['limit'], 20) });
      if (values['json']) {
        printJson(page);
        return 0;
      }
      const line = (b: BatchObject) =>
        `${b.id}  ${b.status.padEnd(11)}  ${b.request_counts.completed + b.request_counts.failed}/${b.request_counts.total}  ${b.endpoint}`;
      console.log(page.data.map(line).join('\n') || '(no batches)');
      return 0;
    }
    case 'output': {
      const batch = await client.batches.get(target!);
      const fileId = values['errors'] ? batch.error_file_id : batch.output_file_id;
      if (!fileId)
        throw new UsageError(
          `Batch ${batch.id} (${batch.status}) has no ${values['errors'] ? 'error' : 'output'} file${FINAL_BATCH_STATUSES.includes(batch.status) ? '' : ' yet'}.`,
        );
      const bytes = await client.files.content(fileId);
      const output = values['output'] as string | undefined;
      if (output && output !== '-') {
        await writeFile(output, bytes);
        console.error(`Saved ${bytes.byteLength} bytes to ${output}`);
      } else process.stdout.write(bytes);
      return 0;
    }
    default:
      throw new UsageError(BATCHES_USAGE);
  }
}
