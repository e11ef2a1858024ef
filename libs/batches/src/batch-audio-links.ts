import type { ImageResult, JobView, SynthesizeResult } from '@voxq/contracts';
import type { ObjectStore } from '@voxq/storage';

/** The longest a presigned URL may live (S3 Signature Version 4 refuses more). */
export const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

/**
 * A `/v1/jobs` output line carries the job as it is, with a synthesize result's presigned
 * download URL: signed for `S3_PRESIGN_TTL_SECONDS` (15 minutes) when the job ran, which an
 * output file that lives for weeks would carry long dead. Signed again here for as long as S3
 * allows (7 days; the audio itself lives `S3_RETENTION_DAYS`), with its new expiry.
 */
export async function withFreshAudioLink(objects: ObjectStore, body: unknown, now = Date.now()): Promise<unknown> {
  const job = body as Partial<JobView> | null;
  if (job?.object === 'job' && job.type === 'image' && job.result) return withFreshImageLinks(objects, job, now);
  if (!job || job.object !== 'job' || job.type !== 'synthesize' || !job.result) return body;
  const result = job.result as SynthesizeResult;
  if (!result.audio?.key || !result.audio.presignedUrl) return body;
  const presignedUrl = await objects.presignGet({ key: result.audio.key }, { expiresInSeconds: MAX_PRESIGN_SECONDS });
  const presignedUrlExpiresAt = new Date(now + MAX_PRESIGN_SECONDS * 1000).toISOString();
  return { ...job, result: { ...result, audio: { ...result.audio, presignedUrl, presignedUrlExpiresAt } } };
}

/** The same for an image job's images: each presigned URL signed again for 7 days. */
async function withFreshImageLinks(objects: ObjectStore, job: Partial<JobView>, now: number): Promise<unknown> {
  const result = job.result as ImageResult;
  const presignedUrlExpiresAt = new Date(now + MAX_PRESIGN_SECONDS * 1000).toISOString();
  const images = await Promise.all(
    result.images.map(async (image) => ({
      ...image,
      presignedUrl: await objects.presignGet({ key: image.key }, { expiresInSeconds: MAX_PRESIGN_SECONDS }),
      presignedUrlExpiresAt,
    })),
  );
  return { ...job, result: { ...result, images } };
}
