import type { JobRequest } from '@voxq/contracts';
import { AppError, isAppError } from '@voxq/errors';
import { resolvePrimaryModel, type ProviderRuntime } from '@voxq/providers';

/**
 * A synthesize job's `model` checked before anything is queued: one no configured speech
 * provider serves is a 404 `model_not_found`, one whose provider the job's own routing rules
 * out a 400, each naming the field as the request spelled it (`model`, `input.model`,
 * `jobs.1.input.model`). The worker resolves it again when the job runs.
 */
export function checkSpeechModel(runtime: ProviderRuntime, job: Extract<JobRequest, { type: 'synthesize' }>, param = 'model'): void {
  const name = job.input.model;
  if (name === undefined) return;
  try {
    resolvePrimaryModel(runtime, 'tts', { name, intent: job.intent, constraints: job.constraints });
  } catch (error) {
    if (!isAppError(error) || error.param === param) throw error;
    throw new AppError({ code: error.code, type: error.type, status: error.status, message: error.message, param, cause: error });
  }
}
