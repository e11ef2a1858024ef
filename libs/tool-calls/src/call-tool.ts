import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createGuardedLookup, type UrlPolicy } from '@voxq/url-guard';

/** The most of a tool's answer the model is given (the rest is cut, and says so). */
export const MAX_TOOL_ANSWER_BYTES = 256 * 1024;

export interface ToolHttpAnswer {
  status: number;
  body: string;
  truncated: boolean;
  contentType: string;
}

/**
 * One POST to a tool server: the address is checked again at connect time (no DNS
 * rebinding), redirects are not followed, and the whole exchange is bounded by `timeoutMs`.
 */
export function postToTool(url: string, body: string, headers: Record<string, string>, timeoutMs: number, policy: UrlPolicy): Promise<ToolHttpAnswer> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        lookup: createGuardedLookup(policy),
        timeout: timeoutMs,
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let truncated = false;
        res.on('data', (chunk: Buffer) => {
          if (size >= MAX_TOOL_ANSWER_BYTES) {
            truncated = true;
            return;
          }
          chunks.push(chunk);
          size += chunk.length;
        });
        res.on('end', () => {
          clearTimeout(deadline);
          const all = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            body: all.subarray(0, MAX_TOOL_ANSWER_BYTES).toString('utf8'),
            truncated: truncated || all.length > MAX_TOOL_ANSWER_BYTES,
            contentType: String(res.headers['content-type'] ?? ''),
          });
        });
        res.on('error', reject);
      },
    );
    // `timeout` only covers idle sockets; this bounds the whole call.
    const deadline = setTimeout(() => req.destroy(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    req.on('timeout', () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    req.on('error', (error) => {
      clearTimeout(deadline);
      reject(error);
    });
    req.end(body);
  });
}
