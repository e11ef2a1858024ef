import { randomUUID } from 'node:crypto';
import { sineWav } from '@voxq/testing';

/** Shared by the bad-input surface suite and its case tables (bad-input-*.cases.ts). */
export interface Fixtures {
  /** Tenant A's things, which tenant B must not see, change or learn exist. */
  jobA: string;
  cancelledJobA: string;
  uploadA: string;
  uploadKeyA: string;
  endpointA: string;
  endpointB: string;
  deliveryA: string;
  fileA: string;
  batchA: string;
  dropRuleA: string;
  tenantA: string;
  tenantB: string;
  bucket: string;
}

export interface SurfaceCase {
  name: string;
  method?: string;
  path: string | ((f: Fixtures) => string);
  body?: unknown;
  bodyOf?: (f: Fixtures) => unknown;
  headers?: Record<string, string>;
  /** Who calls: tenant B (default), tenant A, no key, or a key that does not exist. */
  as?: 'a' | 'b' | 'none' | 'bogus';
  status: number;
  code?: string;
  param?: string;
  message?: RegExp;
}

export const msg = [{ role: 'user', content: 'hi' }];
export const PUBLIC_HOOK = 'https://93.184.216.34/hook';
export const FAKE_JOB = 'job_0000000000000000000000000000';
export const FAKE_UPLOAD = 'up_0000000000000000000000000000';

/** A multipart/form-data body from text fields and files. */
export function multipart(parts: { name: string; value: string | Buffer; filename?: string; type?: string }[]) {
  const boundary = `----voxq${randomUUID()}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename === undefined ? '' : `; filename="${part.filename}"`}`;
    const type = part.type ? `\r\nContent-Type: ${part.type}` : '';
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}${type}\r\n\r\n`), Buffer.from(part.value), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

export const wav = sineWav(0.05);
export const jsonl = Buffer.from(`${JSON.stringify({ custom_id: 'a', method: 'POST', url: '/v1/chat/completions', body: { messages: msg } })}\n`);
export const badJson = { body: '{"messages": [', headers: { 'content-type': 'application/json' } };
export const JSON_LIMIT = 4096;
export const AUDIO_LIMIT = 8192;

/** The stack settings the case tables are written against: small limits, no private or plain-http webhooks, no rate limit. */
export const SURFACE_CASES_ENV: Readonly<Record<string, string>> = {
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false',
  WEBHOOK_ALLOW_HTTP: 'false',
  API_JSON_LIMIT_BYTES: String(JSON_LIMIT),
  API_AUDIO_LIMIT_BYTES: String(AUDIO_LIMIT),
  UPLOAD_MAX_BYTES: String(AUDIO_LIMIT),
  BATCH_MAX_FILE_BYTES: String(JSON_LIMIT * 2),
  BATCH_MAX_REQUESTS: '3',
  API_RATE_LIMIT_PER_SECOND: '0',
};
export const bigJson = (extra: Record<string, unknown> = {}) => ({ ...extra, pad: 'x'.repeat(JSON_LIMIT * 2) });
