import type { JobType } from '@voxq/contracts';
import type { JobKind } from './job-kind';
import { completeJob } from './kinds/complete.job';
import { embedJob } from './kinds/embed.job';
import { imageJob } from './kinds/image.job';
import { synthesizeJob } from './kinds/synthesize.job';
import { transcribeJob } from './kinds/transcribe.job';

/** Every job kind, by type: adding one is a module in `kinds/` and a line here. */
export const JOB_KINDS: { [T in JobType]: JobKind<T> } = {
  transcribe: transcribeJob,
  synthesize: synthesizeJob,
  complete: completeJob,
  embed: embedJob,
  image: imageJob,
};
