import { tenantKey } from '@voxq/storage';

/**
 * Where a job's audio lives in the bucket. Everything sits under the tenant's prefix, so a
 * key names its owner and one lifecycle rule (or sweep) on `tenants/` expires it all.
 */

/** Audio the API received with a transcribe job (binary body or base64). */
export const jobInputKey = (tenantId: string, jobId: string) => tenantKey(tenantId, 'inputs', jobId);

/** A synthesize job's audio, served by `GET /v1/jobs/:id/result`. */
export const jobResultKey = (tenantId: string, jobId: string, contentType: string) => tenantKey(tenantId, 'results', `${jobId}.${audioExtension(contentType)}`);

const IMAGE_EXTENSIONS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' };

/** An image job's image number `index` (from 0), beside the other results: `<jobId>-<index>.png`. */
export const jobImageKey = (tenantId: string, jobId: string, index: number, contentType: string) =>
  tenantKey(tenantId, 'results', `${jobId}-${index}.${IMAGE_EXTENSIONS[contentType] ?? 'bin'}`);

const EXTENSIONS: Record<string, string> = {
  'audio/wav': 'wav',
  'audio/wave': 'wav',
  'audio/x-wav': 'wav',
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
  'audio/ogg': 'ogg',
  'audio/opus': 'opus',
  'audio/flac': 'flac',
  'audio/aac': 'aac',
  'audio/mp4': 'm4a',
  'audio/webm': 'webm',
  'audio/pcm': 'pcm',
  'audio/l16': 'pcm',
};

/** The file extension for an audio content type (`audio/pcm;rate=24000` → `pcm`); `bin` when unknown. */
export function audioExtension(contentType: string): string {
  return EXTENSIONS[contentType.split(';')[0]!.trim().toLowerCase()] ?? 'bin';
}
