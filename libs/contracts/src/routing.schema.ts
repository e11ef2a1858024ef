import { z } from 'zod';

/** Where a job should run and what to favour (seed 000/001 `RoutingIntent`). */
export const routingIntentSchema = z.strictObject({
  /** BCP-47 language tag (`en`, `en-US`, `pt-BR`). */
  language: z
    .string()
    .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a BCP-47 language tag such as "en" or "en-US"')
    .default('en'),
  region: z.string().min(1).max(64).optional(),
  vertical: z.string().min(1).max(64).optional(),
  optimizeFor: z.enum(['balanced', 'accuracy', 'latency', 'cost']).default('balanced'),
});
export type RoutingIntent = z.infer<typeof routingIntentSchema>;

const providerNames = z.array(z.string().min(1).max(64)).min(1).max(32);

/** Allow-lists per capability (seed 001 `PipelineConstraints`). */
export const constraintsSchema = z.strictObject({
  allowedProviders: z
    .strictObject({
      stt: providerNames.optional(),
      tts: providerNames.optional(),
      llm: providerNames.optional(),
      embedding: providerNames.optional(),
      image: providerNames.optional(),
      realtime: providerNames.optional(),
    })
    .optional(),
  /** Pin a model per capability, e.g. `{ llm: "gpt-4o-mini" }`. */
  models: z
    .strictObject({
      stt: z.string().min(1).max(128).optional(),
      tts: z.string().min(1).max(128).optional(),
      llm: z.string().min(1).max(128).optional(),
      embedding: z.string().min(1).max(128).optional(),
      image: z.string().min(1).max(128).optional(),
      realtime: z.string().min(1).max(128).optional(),
    })
    .optional(),
});
export type Constraints = z.infer<typeof constraintsSchema>;

/** Stored in usage counters, scores runs and history rows: never rename one. `realtime`: live WebSocket sessions (`GET /v1/realtime`), relayed by the API rather than run as jobs. */
export const CAPABILITIES = ['stt', 'tts', 'llm', 'embedding', 'image', 'realtime'] as const;
export type Capability = (typeof CAPABILITIES)[number];
