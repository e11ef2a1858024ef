import { z } from 'zod';
import { webhookToolSourceSchema } from './chat.schema';

/** A webhook-mode tool call as the `tools` queue carries it to the dispatcher. */
export const toolCallJobSchema = z.strictObject({
  jobId: z.string(),
  tenantId: z.string(),
  hop: z.number().int().min(1),
  toolCallId: z.string(),
  name: z.string(),
  /** JSON-encoded arguments, as the model produced them. */
  args: z.string(),
  source: webhookToolSourceSchema,
});
export type ToolCallJob = z.infer<typeof toolCallJobSchema>;

/** What a tool call job answers: the `tool` message the model sees next. */
export interface ToolCallAnswer {
  content: string;
  isError: boolean;
}

/** The body voxq POSTs to a webhook tool (signed per Standard Webhooks). */
export interface ToolCallRequestBody {
  jobId: string;
  toolCallId: string;
  name: string;
  /** The arguments parsed from the model's JSON (the raw string when it is not JSON). */
  args: unknown;
}
