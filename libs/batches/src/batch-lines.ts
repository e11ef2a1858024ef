import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { BatchEndpoint, BatchError } from '@voxq/contracts';
import { errors } from '@voxq/errors';
import { jsonSubmission, type Submission } from '@voxq/intake';
import type { ProviderRuntime } from '@voxq/providers';
import { BATCH_ENDPOINT_HANDLERS } from './batch-endpoints';

/** OpenAI's limit on a custom_id is not documented; 512 keeps list entries and metadata small. */
export const MAX_CUSTOM_ID_LENGTH = 512;

/** Lines of a stored file, numbered from 1 (blank lines are counted, then skipped). */
export async function* linesOf(body: Readable): AsyncGenerator<{ line: number; text: string }> {
  let line = 0;
  for await (const text of createInterface({ input: body, crlfDelay: Infinity })) {
    line++;
    if (text.trim()) yield { line, text };
  }
}

export type ParsedLine = { ok: true; customId: string; submission: Submission } | { ok: false; error: Omit<BatchError, 'line'> };

/**
 * One line of a batch input file (`{custom_id, method, url, body}`), checked as OpenAI
 * checks it, then its body as the endpoint's request. `seen` holds the custom_ids so far.
 */
export function parseLine(text: string, endpoint: BatchEndpoint, providers: ProviderRuntime, seen: Set<string>): ParsedLine {
  const fail = (code: string, message: string, param: string | null = null): ParsedLine => ({ ok: false, error: { code, message, param } });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return fail('invalid_json_line', 'This line is not parseable as valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return fail('invalid_json_line', 'This line is not a JSON object.');
  const entry = parsed as Record<string, unknown>;
  const customId = entry['custom_id'];
  if (typeof customId !== 'string' || !customId) return fail('missing_required_parameter', 'custom_id is required.', 'custom_id');
  if (customId.length > MAX_CUSTOM_ID_LENGTH) return fail('invalid_custom_id', `custom_id is longer than ${MAX_CUSTOM_ID_LENGTH} characters.`, 'custom_id');
  if (entry['method'] !== 'POST') return fail('invalid_method', "method must be 'POST'.", 'method');
  if (entry['url'] !== endpoint)
    return fail('mismatched_endpoint', `url must be '${endpoint}', the batch's endpoint (got ${JSON.stringify(entry['url'])}).`, 'url');
  if (seen.has(customId)) return fail('duplicate_custom_id', `The custom_id '${customId}' appears more than once.`, 'custom_id');
  const request = BATCH_ENDPOINT_HANDLERS[endpoint].parse(entry['body'], providers);
  if (!request.ok) return fail('invalid_request', request.message, 'body');
  seen.add(customId);
  return { ok: true, customId, submission: request.submission };
}

/** The inline form's jobs as JSONL lines, each checked like `POST /v1/jobs` (a 400 names `jobs.3.input`). */
export function inlineBatchLines(jobs: unknown[], maxRequests: number): string[] {
  if (jobs.length > maxRequests) throw errors.invalidRequest(`A batch may hold at most ${maxRequests} requests (got ${jobs.length}).`, 'jobs');
  const seen = new Set<string>();
  return jobs.map((item, i) => {
    const { custom_id: given, ...request } = (item && typeof item === 'object' && !Array.isArray(item) ? item : { item }) as Record<string, unknown>;
    if (given !== undefined && (typeof given !== 'string' || !given || given.length > MAX_CUSTOM_ID_LENGTH)) {
      throw errors.invalidRequest(`jobs.${i}.custom_id: must be a non-empty string of at most ${MAX_CUSTOM_ID_LENGTH} characters.`, `jobs.${i}.custom_id`);
    }
    const customId = given ?? String(i);
    if (seen.has(customId)) throw errors.invalidRequest(`jobs.${i}.custom_id: '${customId}' appears more than once.`, `jobs.${i}.custom_id`);
    seen.add(customId);
    jsonSubmission(item === null || typeof item !== 'object' ? item : request, `jobs.${i}`);
    return JSON.stringify({ custom_id: customId, method: 'POST', url: '/v1/jobs', body: request });
  });
}
