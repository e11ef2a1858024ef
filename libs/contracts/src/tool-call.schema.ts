// The `tools` queue's job data (`toolCallJobSchema`) lives in `@voxq/queues`' catalog.

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
