import { AppError, isAppError, type NotFoundSubject } from '@voxq/errors';

interface S3ErrorLike {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

const NOT_FOUND = new Set(['NoSuchKey', 'NotFound', 'NoSuchUpload']);
const DENIED = new Set(['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'Forbidden', 'AllAccessDisabled', 'ExpiredToken']);
const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'TimeoutError',
  'RequestTimeout',
  'SlowDown',
  'ServiceUnavailable',
  'InternalError',
]);

/** True when an S3 call failed because the object (or upload) does not exist. */
export function isNotFound(error: unknown): boolean {
  const e = error as S3ErrorLike;
  return NOT_FOUND.has(e?.name ?? '') || (e?.$metadata?.httpStatusCode === 404 && e?.name !== 'NoSuchBucket');
}

/**
 * S3 (and transport) failures as AppErrors, so they steer jobs and reach clients like any
 * other: a missing object is a 404 for `what`, a store we cannot reach or that is overloaded
 * is retryable (503), bad credentials or a missing bucket are a configuration problem no
 * retry mends. The S3 error stays as `cause`; its text is not shown to clients.
 */
export function toStorageError(error: unknown, key: string, what: NotFoundSubject = 'object'): AppError {
  if (isAppError(error)) return error;
  const e = error as S3ErrorLike;
  const name = e?.name ?? '';
  const code = e?.code ?? '';
  const status = e?.$metadata?.httpStatusCode;
  if (isNotFound(error)) {
    return new AppError({ code: `${what}_not_found`, message: `No ${what} at '${key}'.`, type: 'not_found_error', status: 404, cause: error });
  }
  if (name === 'NoSuchBucket' || DENIED.has(name) || status === 403) {
    return new AppError({
      code: 'storage_misconfigured',
      message: `Object storage refused the request (${name || status}): check S3_BUCKET and the S3 credentials.`,
      type: 'api_error',
      status: 500,
      cause: error,
    });
  }
  if (NETWORK.has(name) || NETWORK.has(code) || (status !== undefined && status >= 500) || name === 'AbortError' || status === undefined) {
    return new AppError({
      code: 'storage_unavailable',
      message: `Object storage is unavailable (${name || code || status || 'no answer'}).`,
      type: 'api_error',
      status: 503,
      retryable: true,
      cause: error,
    });
  }
  return new AppError({ code: 'storage_error', message: `Object storage error (${name || status}).`, type: 'api_error', status: 500, cause: error });
}
