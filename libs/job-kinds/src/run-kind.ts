import type { JobPayload, JobType } from '@voxq/contracts';
import type { HandlerOutput, JobContext, Suspension } from './job-kind';
import { JOB_KINDS } from './job-kinds';

type Outcome = HandlerOutput<JobType> | { suspend: Suspension };

/** Runs the kind's handler for `payload` (the router of job kinds is `JOB_KINDS`). */
export async function runKindHandler(payload: JobPayload, ctx: JobContext): Promise<Outcome> {
  // The union is narrowed by `type`; TypeScript cannot see through the lookup, so help it once.
  const kind = JOB_KINDS[payload.type] as { handle(p: JobPayload, c: JobContext): Promise<Outcome> };
  return kind.handle(payload, ctx);
}
