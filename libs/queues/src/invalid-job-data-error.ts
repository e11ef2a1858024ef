import { UnrecoverableError } from 'bullmq';

/**
 * A job whose data is not what its queue's catalog entry says (or whose name it does not
 * know): written by something other than voxq, or by a version whose change broke the
 * stored shape. Nothing a retry can mend, so it fails the job at once (`UnrecoverableError`)
 * with the reason in `failedReason`, never silently.
 */
export class InvalidJobDataError extends UnrecoverableError {
  constructor(
    readonly queue: string,
    readonly jobName: string,
    /** What is wrong, one `path: message` per problem (`event: Invalid input; url: …`). */
    readonly detail: string,
  ) {
    super(`invalid job data for ${queue}/${jobName}: ${detail}`);
    this.name = 'InvalidJobDataError';
  }
}
