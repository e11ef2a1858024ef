import type { JobRequest } from '@voxq/contracts';
import { AppError, errors, isAppError } from '@voxq/errors';
import { resolvePrimaryModel, type ProviderRuntime } from '@voxq/providers';
import { toSpokenForm } from '@voxq/spoken-form';

type SynthesizeJob = Extract<JobRequest, { type: 'synthesize' }>;

/**
 * A synthesize job checked before anything is queued. Its `model`: one no configured speech
 * provider serves is a 404 `model_not_found`, one whose provider the job's own routing rules
 * out a 400 (the worker resolves it again when the job runs). Its text, with `spokenForm`:
 * markup with nothing to say once stripped (`---`) is a 400, not a provider's refusal later.
 * Errors name the field as the request spelled it (`model`, `input.model`, `jobs.1.input.model`).
 */
export function checkSynthesizeJob(runtime: ProviderRuntime, job: SynthesizeJob, nameOf: (field: 'model' | 'text') => string = (field) => field): void {
  const { model, text, spokenForm } = job.input;
  if (spokenForm && toSpokenForm(text, job.intent.language).text.trim() === '') {
    throw errors.invalidRequest(`${nameOf('text')}: nothing is left to speak once spokenForm strips its markup; nothing was queued.`, nameOf('text'));
  }
  if (model === undefined) return;
  const param = nameOf('model');
  try {
    resolvePrimaryModel(runtime, 'tts', { name: model, intent: job.intent, constraints: job.constraints });
  } catch (error) {
    if (!isAppError(error) || error.param === param) throw error;
    throw new AppError({ code: error.code, type: error.type, status: error.status, message: error.message, param, cause: error });
  }
}
