import { z } from 'zod';
import { constraintsSchema, metadataSchema, routingIntentSchema, webhookTargetSchema } from '@voxq/contracts';

/** Drop rule ids: `dr_` + 24 hex digits. */
export const DROP_RULE_ID_PATTERN = /^dr_[0-9a-f]{24}$/;

// A prefix is a folder: `tenants/<tenantId>/…/`, no dot or empty segments.
const prefixSchema = z
  .string()
  .min(1)
  .max(512)
  .regex(/^[\w.=@+-]+(\/[\w.=@+-]+)*\/$/, "must be a folder such as 'tenants/<tenantId>/inbox/' (ending in /)")
  .refine((p) => !p.split('/').some((s) => s === '.' || s === '..'), "must not contain '.' or '..' segments");

/** `POST /v1/drop-rules` body. */
export const dropRuleRequestSchema = z.strictObject({
  /** @defaultValue S3_BUCKET (the only bucket accepted for now) */
  bucket: z.string().min(3).max(63).optional(),
  /** The watched folder, inside the tenant's `tenants/<tenantId>/`. */
  prefix: prefixSchema,
  type: z.enum(['transcribe', 'synthesize']),
  intent: routingIntentSchema.optional(),
  constraints: constraintsSchema.optional(),
  webhook: webhookTargetSchema.optional(),
  metadata: metadataSchema.optional(),
  /** Where results and `.done.json` / `.error.json` markers go; must not overlap `prefix`. */
  outputPrefix: prefixSchema,
});
export type DropRuleRequest = z.infer<typeof dropRuleRequestSchema>;

/** A stored drop rule (also what the API returns). */
export const dropRuleSchema = dropRuleRequestSchema.extend({
  object: z.literal('drop_rule'),
  id: z.string().regex(DROP_RULE_ID_PATTERN),
  tenantId: z.string(),
  bucket: z.string(),
  createdAt: z.string(),
});
export type DropRule = z.infer<typeof dropRuleSchema>;

/**
 * A sidecar manifest (`<key>.json`) or the object's `x-amz-meta-voxq-*` metadata: what one
 * object may override of its rule.
 */
export const dropManifestSchema = z.strictObject({
  intent: routingIntentSchema.optional(),
  constraints: constraintsSchema.optional(),
  webhook: webhookTargetSchema.optional(),
  metadata: metadataSchema.optional(),
});
export type DropManifest = z.infer<typeof dropManifestSchema>;

/** The S3 event notification AWS and MinIO send (only what voxq reads). */
export const s3EventSchema = z.object({
  Records: z
    .array(
      z.object({
        eventName: z.string(),
        s3: z.object({
          bucket: z.object({ name: z.string() }),
          object: z.object({
            key: z.string(),
            size: z.number().int().min(0).optional(),
            eTag: z.string().optional(),
            versionId: z.string().optional(),
          }),
        }),
      }),
    )
    .max(1000)
    .default([]),
});
export type S3Event = z.infer<typeof s3EventSchema>;
