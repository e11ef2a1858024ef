import type { Config } from '@voxq/config';
import type { ToolCallAnswer, ToolCallRequestBody } from '@voxq/contracts';
import type { CatalogJob, QUEUE_CATALOG } from '@voxq/queues';
import type { Logger } from '@voxq/logging';
import { assertDeliverableUrl } from '@voxq/url-guard';
import { postToTool } from './call-tool';
import { toolRequestHeaders, type SecretLookup, type ToolSecrets } from './tool-request-headers';

export type { SecretLookup } from './tool-request-headers';

function parseArgs(args: string): unknown {
  try {
    return JSON.parse(args);
  } catch {
    // A model may send arguments that are not JSON: the tool gets its text as it is.
    return args;
  }
}

/** A tool's answer as the model should read it: its `content`/`result` field, else the body. */
function contentOf(body: string, contentType: string): string {
  if (!/json/i.test(contentType)) return body;
  try {
    const json = JSON.parse(body) as unknown;
    if (json && typeof json === 'object' && !Array.isArray(json)) {
      const value = (json as Record<string, unknown>).content ?? (json as Record<string, unknown>).result;
      if (value !== undefined) return typeof value === 'string' ? value : JSON.stringify(value);
    }
  } catch {
    // Not JSON after all: the model gets the text.
  }
  return body;
}

const failed = (content: string): ToolCallAnswer => ({ content: `Tool error: ${content}`, isError: true });

/**
 * Runs one webhook-mode tool call: a Standard-Webhooks-signed POST of `{jobId, toolCallId,
 * name, args}` to the tool's URL, with its headers (`toolRequestHeaders`). It never throws: a refusal, a
 * timeout or a non-2xx answer becomes an error result the model sees (seed 001), so the
 * LLM job always resumes.
 */
export function createToolCallProcessor(deps: { config: Config; logger: Logger; secretFor: SecretLookup; secrets: ToolSecrets }) {
  const { config, logger } = deps;
  const policy = { allowPrivateNetworks: config.webhooks.allowPrivateNetworks, allowHttp: config.webhooks.allowHttp };

  // Parsed by the catalog before it gets here: a call whose data is not one fails its job
  // (its parent then tells the model the call was lost).
  return async function callTool(job: CatalogJob<typeof QUEUE_CATALOG.tools>): Promise<ToolCallAnswer> {
    const call = job.data;
    const log = logger.child({ jobId: call.jobId, toolCallId: call.toolCallId, tool: call.name });
    const started = Date.now();
    try {
      await assertDeliverableUrl(call.source.url, policy, 'source.url');
      const body = JSON.stringify({
        jobId: call.jobId,
        toolCallId: call.toolCallId,
        name: call.name,
        args: parseArgs(call.args),
      } satisfies ToolCallRequestBody);
      const headers = await toolRequestHeaders(call, body, { secrets: deps.secrets, tenantSecret: deps.secretFor });
      const answer = await postToTool(call.source.url, body, headers, call.source.timeoutMs, policy);
      log.info({ status: answer.status, ms: Date.now() - started }, 'tool called');
      if (answer.status < 200 || answer.status >= 300) return failed(`HTTP ${answer.status}: ${answer.body.slice(0, 500)}`);
      const content = contentOf(answer.body, answer.contentType);
      return { content: answer.truncated ? `${content}\n[truncated]` : content, isError: false };
    } catch (error) {
      log.warn({ err: (error as Error).message, ms: Date.now() - started }, 'tool call failed');
      return failed((error as Error).message);
    }
  };
}
