import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3Settings } from './s3-object-store';

/** How long one HeadBucket waits for the store's answer. */
const TIMEOUT_MS = 5_000;
/**
 * How long the check keeps asking a store that does not answer (as opposed to one that
 * refuses the connection or answers no, which fail at once): a store still starting beside
 * the app (compose, a pod's sidecar) or one busy with a large upload answers late, and a
 * process that exits then only restarts into the same wait.
 */
const PATIENCE_MS = 30_000;

const noAnswer = (error: unknown) => {
  const name = (error as { name?: string } | null)?.name;
  return name === 'TimeoutError' || name === 'AbortError';
};

/**
 * The configured bucket exists and these credentials may use it (HeadBucket), so a process
 * refuses to start instead of failing every job that touches audio. The message names
 * S3_ENDPOINT and S3_BUCKET, never the credentials; it is thrown as an Error for the
 * process's startup checks to print.
 */
export async function checkBucket({ s3 }: { s3: S3Settings }): Promise<void> {
  const where = `S3_BUCKET=${s3.bucket} at ${s3.endpoint ? `S3_ENDPOINT=${s3.endpoint}` : `AWS S3 (S3_REGION=${s3.region})`}`;
  const client = new S3Client({
    region: s3.region,
    ...(s3.endpoint ? { endpoint: s3.endpoint } : {}),
    forcePathStyle: s3.forcePathStyle,
    ...(s3.credentials ? { credentials: s3.credentials } : {}),
    maxAttempts: 1,
  });
  const giveUpAt = Date.now() + PATIENCE_MS;
  try {
    for (;;) {
      try {
        await client.send(new HeadBucketCommand({ Bucket: s3.bucket }), { abortSignal: AbortSignal.timeout(TIMEOUT_MS) });
        return;
      } catch (error) {
        if (!noAnswer(error) || Date.now() + TIMEOUT_MS > giveUpAt) throw error;
      }
    }
  } catch (error) {
    const e = error as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    const status = e.$metadata?.httpStatusCode;
    const reason = [e.name, status].filter(Boolean).join(' ') || e.code || e.message || 'no answer';
    if (e.name === 'CredentialsProviderError') {
      throw new Error(
        `No S3 credentials for ${where}: set S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or configure the AWS credential chain (environment, profile, instance role).`,
      );
    }
    if (status === 404 || e.name === 'NoSuchBucket' || e.name === 'NotFound') {
      throw new Error(
        `Bucket ${where} does not exist: create it (\`aws s3 mb s3://${s3.bucket}\`${s3.endpoint ? ` --endpoint-url ${s3.endpoint}` : ''}) or set S3_BUCKET to an existing one.`,
      );
    }
    if (status === 403 || status === 401 || /AccessDenied|Forbidden|InvalidAccessKeyId|SignatureDoesNotMatch|ExpiredToken/.test(e.name ?? '')) {
      throw new Error(
        `Bucket ${where} refused access (${reason}): check S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY (or the AWS credential chain) and the bucket's policy.`,
      );
    }
    if (status === 301 || status === 400) {
      throw new Error(`Bucket ${where} answered ${reason}: check S3_REGION, S3_ENDPOINT and S3_FORCE_PATH_STYLE.`);
    }
    if (status !== undefined && status < 500) throw new Error(`Bucket ${where} answered ${reason}.`);
    const detail = e.name === 'TimeoutError' || e.name === 'AbortError' ? `no answer within ${PATIENCE_MS / 1000} s` : (e.code ?? e.message ?? reason);
    throw new Error(`Object storage is not reachable for ${where} (${detail}): start it or fix S3_ENDPOINT.`);
  } finally {
    client.destroy();
  }
}
