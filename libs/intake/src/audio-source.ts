import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Config } from '@voxq/config';
import { uploadContentTypeSchema, type AudioRef, type AudioReferenceInput } from '@voxq/contracts';
import { errors, isAppError } from '@voxq/errors';
import { TENANT_PREFIX, type ObjectStore } from '@voxq/storage';
import { assertDeliverableUrl, createGuardedLookup, PRIVATE_ADDRESS_CODE, URL_GUARD_CODES, type UrlPolicy } from '@voxq/url-guard';
import type { RedisClient } from '@voxq/redis-keys';
import { uploadServiceFor, type UploadService } from './upload-service';

/**
 * A bucket and key prefix a tenant's `s3://` URLs may name. `{tenantId}` in the prefix
 * stands for the submitting tenant, so one entry can give every tenant its own folder.
 */
export interface S3AllowListEntry {
  bucket: string;
  prefix: string;
}

export interface AudioSourceDeps {
  config: Config;
  redis: RedisClient;
  objects: ObjectStore;
}

export interface AudioSourceOptions {
  /**
   * Where `s3://` URLs may point, per tenant, besides the tenant's own prefix in voxq's bucket.
   * @defaultValue none: only `s3://<voxq bucket>/tenants/<tenantId>/…`
   */
  s3AllowList?: (tenantId: string) => S3AllowListEntry[];
  /**
   * Which `https://` URLs voxq fetches audio from.
   * @defaultValue the webhook policy (`WEBHOOK_ALLOW_PRIVATE_NETWORKS`, `WEBHOOK_ALLOW_HTTP`)
   */
  fetchPolicy?: UrlPolicy;
  /**
   * Budget of a whole `https://` fetch: connect, answer, and every byte into the bucket.
   * @defaultValue 120000
   */
  fetchTimeoutMs?: number;
  /** The upload service (and so the size limit) to use; built from `deps` when absent. */
  uploads?: UploadService;
}

const PARAM = 'input.audio';
const URL_PARAM = `${PARAM}.url`;
export const AUDIO_FETCH_USER_AGENT = 'voxq-fetch/0.1';
/** S3's default type for objects stored without one. */
const S3_DEFAULT_TYPE = /^binary\/octet-stream$/i;
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Resolves audio named by reference into the object a job carries: the tenant's upload
 * (`{uploadId}`), an allowed `s3://bucket/key` object, or an `https://` URL fetched through
 * the SSRF guard and streamed into the tenant's uploads first. Called once, at submission,
 * so workers only ever read voxq's own bucket.
 */
export async function resolveAudioSource(
  deps: AudioSourceDeps,
  tenantId: string,
  source: AudioReferenceInput,
  options: AudioSourceOptions = {},
): Promise<AudioRef> {
  const uploads = options.uploads ?? uploadServiceFor(deps);
  // Workers read a job's audio into memory: what they would refuse is refused here, at once.
  const maxBytes = Math.min(uploads.maxBytes, deps.config.api.audioLimitBytes);
  const ref = (object: { bucket: string; key: string; contentType: string; bytes: number }): AudioRef => {
    if (object.bytes > maxBytes) {
      throw errors.payloadTooLarge(`The audio is ${object.bytes} bytes; transcribe jobs take at most ${maxBytes} bytes (API_AUDIO_LIMIT_BYTES).`);
    }
    const { bucket, ...rest } = object;
    return bucket === deps.objects.bucket ? rest : { ...rest, bucket };
  };
  if ('uploadId' in source) {
    const record = await uploads.find({ tenantId }, source.uploadId);
    if (record.status !== 'completed' || record.size === null) {
      throw errors.conflict(
        'upload_not_completed',
        `Upload ${record.id} is ${record.status}: complete it (POST /v1/uploads/${record.id}/complete) before naming it in a job.`,
      );
    }
    return ref({ bucket: record.bucket, key: record.key, contentType: record.contentType, bytes: record.size });
  }
  const scheme = /^([a-z0-9+.-]+):/i.exec(source.url)?.[1]?.toLowerCase();
  if (scheme === 's3') {
    const allowList = [...defaultS3AllowList(deps.objects.bucket), ...(options.s3AllowList?.(tenantId) ?? [])];
    const location = parseS3Url(source.url);
    assertS3Allowed(location, tenantId, allowList);
    return ref(await headS3Object(deps.objects, location, source.url));
  }
  const policy = options.fetchPolicy ?? deps.config.webhooks;
  const upload = await fetchIntoUploads(source.url, { tenantId, uploads, maxBytes, policy, timeoutMs: options.fetchTimeoutMs ?? 120_000 });
  return ref({ bucket: upload.bucket, key: upload.key, contentType: upload.contentType, bytes: upload.size ?? 0 });
}

/** Without configuration a tenant may name only its own folder of voxq's bucket. */
export const defaultS3AllowList = (bucket: string): S3AllowListEntry[] => [{ bucket, prefix: `${TENANT_PREFIX}/{tenantId}/` }];

const trick = (url: string, why: string) => errors.invalidRequest(`${URL_PARAM} '${url}' is refused: ${why}.`, URL_PARAM);

/**
 * Splits `s3://bucket/key`, refusing keys that could mean something other than what they
 * spell once a tool or an S3-compatible server normalises them: dot segments, empty
 * segments, absolute keys, backslashes, percent-escapes and control characters.
 */
export function parseS3Url(url: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]*)\/?(.*)$/i.exec(url);
  if (!match) throw trick(url, 'it must be s3://bucket/key');
  const [, bucket = '', key = ''] = match;
  if (!BUCKET_NAME.test(bucket) || bucket.includes('..')) throw trick(url, `'${bucket}' is not a bucket name`);
  if (key === '') throw trick(url, 'it names no object key');
  if (key.includes('\\')) throw trick(url, 'object keys may not contain backslashes');
  if (key.includes('%')) throw trick(url, 'object keys may not be percent-encoded');
  if (/[\x00-\x1f\x7f]/.test(key)) throw trick(url, 'object keys may not contain control characters');
  if (key.startsWith('/')) throw trick(url, 'object keys may not be absolute');
  const segments = key.split('/');
  if (segments.some((s) => s === '.' || s === '..')) throw trick(url, "object keys may not contain '.' or '..' segments");
  if (segments.some((s) => s === '')) throw trick(url, 'object keys may not contain empty segments');
  return { bucket, key };
}

/** Refuses a bucket or key outside the tenant's allow-list (another tenant's folder included). */
export function assertS3Allowed(ref: { bucket: string; key: string }, tenantId: string, allowList: S3AllowListEntry[]): void {
  const allowed = allowList.some((entry) => entry.bucket === ref.bucket && ref.key.startsWith(entry.prefix.replaceAll('{tenantId}', tenantId)));
  if (!allowed) {
    throw errors.invalidRequest(
      `${URL_PARAM} 's3://${ref.bucket}/${ref.key}' is outside what this tenant may read: ` +
        `use s3://${allowList[0]?.bucket ?? '<bucket>'}/${(allowList[0]?.prefix ?? '').replaceAll('{tenantId}', tenantId)}… or an upload.`,
      URL_PARAM,
    );
  }
}

async function headS3Object(objects: ObjectStore, location: { bucket: string; key: string }, url: string) {
  const object = await objects.head(location);
  if (!object) throw errors.invalidRequest(`${URL_PARAM}: there is no object at '${url}'.`, URL_PARAM);
  if (object.size === 0) throw errors.invalidRequest(`${URL_PARAM}: the object at '${url}' is empty.`, URL_PARAM);
  const contentType = S3_DEFAULT_TYPE.test(object.contentType) ? 'application/octet-stream' : object.contentType;
  if (!uploadContentTypeSchema.safeParse(contentType).success) {
    throw errors.invalidRequest(`${URL_PARAM}: the object at '${url}' is '${contentType}', not audio.`, URL_PARAM);
  }
  return { ...location, contentType, bytes: object.size };
}

interface FetchOptions {
  tenantId: string;
  uploads: UploadService;
  /** The fetch's size limit (the upload limit, or less). */
  maxBytes: number;
  policy: UrlPolicy;
  timeoutMs: number;
}

const unreachable = (message: string) => errors.invalidRequest(`${URL_PARAM}: ${message}`, URL_PARAM, 'audio_url_unreachable');

/**
 * Fetches an https URL into the tenant's uploads: the URL and every address it resolves to
 * must be public (checked first, and again when the socket connects), redirects are not
 * followed, and the body streams to the bucket under the upload size limit and a deadline.
 */
async function fetchIntoUploads(url: string, options: FetchOptions) {
  const { uploads, maxBytes, policy, timeoutMs } = options;
  await assertDeliverableUrl(url, policy, URL_PARAM).catch((error: unknown) => {
    if (isAppError(error)) {
      throw errors.invalidRequest(error.message.replace('webhooks must go to a public host', 'audio must come from a public host'), URL_PARAM, error.code);
    }
    throw error;
  });
  const signal = AbortSignal.timeout(timeoutMs);
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const target = new URL(url);
    const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request(target, {
      method: 'GET',
      agent: false,
      signal,
      lookup: createGuardedLookup(policy),
      headers: { 'user-agent': AUDIO_FETCH_USER_AGENT, accept: 'audio/*, video/*, application/octet-stream;q=0.8' },
    });
    req.once('response', resolve);
    req.once('error', reject);
    req.end();
  }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === PRIVATE_ADDRESS_CODE) throw errors.invalidRequest(`${URL_PARAM}: ${error.message}.`, URL_PARAM, URL_GUARD_CODES.refused);
    if (signal.aborted) throw unreachable(`no answer within ${timeoutMs} ms.`);
    throw unreachable(`fetching it failed (${error.code ?? error.message}).`);
  });

  const status = response.statusCode ?? 0;
  const refuse = (error: Error): never => {
    response.destroy();
    throw error;
  };
  if (status >= 300 && status < 400) refuse(unreachable(`it answered ${status}; redirects are not followed, give the final URL.`));
  if (status < 200 || status >= 300) refuse(unreachable(`it answered HTTP ${status}.`));
  const declared = response.headers['content-length'];
  const contentLength = declared !== undefined && /^\d{1,16}$/.test(declared) ? Number(declared) : undefined;
  if (contentLength !== undefined && contentLength > maxBytes) {
    refuse(errors.payloadTooLarge(`The audio at ${URL_PARAM} is ${contentLength} bytes, more than the limit of ${maxBytes}.`));
  }
  const served = response.headers['content-type']?.trim() || 'application/octet-stream';
  const contentType = S3_DEFAULT_TYPE.test(served) ? 'application/octet-stream' : served;
  if (!uploadContentTypeSchema.safeParse(contentType).success) {
    refuse(errors.invalidRequest(`${URL_PARAM} serves '${contentType}', not audio.`, URL_PARAM));
  }
  try {
    const view = await uploads.ingest({ tenantId: options.tenantId }, response, {
      contentType,
      signal,
      maxBytes,
      ...(contentLength === undefined ? {} : { contentLength }),
    });
    return uploads.find({ tenantId: options.tenantId }, view.id);
  } catch (error) {
    response.destroy();
    if (signal.aborted) throw unreachable(`the download took longer than ${timeoutMs} ms.`);
    throw error;
  }
}
