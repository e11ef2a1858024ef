import { z } from 'zod';

/** Upload ids sort by creation time (12 hex digits of epoch ms, then 64 random bits), like job ids. */
export const UPLOAD_ID_PATTERN = /^up_[0-9a-f]{28}$/;
export const uploadIdSchema = z.string().regex(UPLOAD_ID_PATTERN, "must be an upload id ('up_' and 28 hex digits)");

/**
 * What an upload may be: audio, or a container that carries it (video files, Ogg, bytes of
 * unknown type). Providers sniff the container themselves; voxq only keeps out documents,
 * images and scripts that have no business in an audio bucket.
 */
const UPLOAD_TYPES = /^(audio\/[\w.+-]+|video\/(mp4|webm|ogg|quicktime|x-matroska)|application\/(octet-stream|ogg))(\s*;.*)?$/i;
export const UPLOAD_CONTENT_TYPES_HINT = 'audio/*, video/mp4, video/webm, video/ogg, application/ogg or application/octet-stream';
export const uploadContentTypeSchema = z.string().max(128).regex(UPLOAD_TYPES, `must be one of ${UPLOAD_CONTENT_TYPES_HINT}`);

/** `POST /v1/uploads:presign`: the type the client will PUT, and the file's name for its own records. */
export const presignUploadRequestSchema = z.strictObject({
  contentType: uploadContentTypeSchema,
  filename: z
    .string()
    .min(1)
    .max(255)
    .regex(/^[^\\/\x00-\x1f]+$/, 'must be a file name without slashes or control characters')
    .optional(),
});
export type PresignUploadRequest = z.infer<typeof presignUploadRequestSchema>;

export const UPLOAD_STATUSES = ['pending', 'completed'] as const;
export type UploadStatus = (typeof UPLOAD_STATUSES)[number];

/** An upload as the API shows it. `sha256` is null when the bytes bypassed voxq (presigned PUT). */
export const uploadViewSchema = z.strictObject({
  id: z.string(),
  object: z.literal('upload'),
  status: z.enum(UPLOAD_STATUSES),
  contentType: z.string(),
  /** Bytes; null until a presigned upload is completed. */
  size: z.number().int().min(0).nullable(),
  sha256: z.string().nullable(),
  filename: z.string().nullable(),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
  /** When voxq forgets the upload (its record expires): jobs can name it until then. */
  expiresAt: z.string(),
  /** Only in the answer to `POST /v1/uploads:presign`: where and how to PUT the bytes. */
  upload: z.strictObject({ url: z.string(), method: z.literal('PUT'), headers: z.record(z.string(), z.string()), expiresAt: z.string() }).optional(),
});
export type UploadView = z.infer<typeof uploadViewSchema>;
