import type { JobRequest } from '@voxq/contracts';
import { errors } from '@voxq/errors';
import { imageParamProblems, selectCandidates, type ImageParam, type ProviderRuntime } from '@voxq/providers';

type ImageJob = Extract<JobRequest, { type: 'image' }>;

/**
 * An image job checked before anything is queued: when every configured image provider its
 * routing allows is ruled out by a parameter its model does not take (`style` on
 * `gpt-image-1`), a 400 naming that parameter, rather than a job that could only fail. Other
 * reasons no provider can serve it (none configured, `allowedProviders`) are the router's to
 * report when the job runs, as for every kind. Errors name the field as the request spelled
 * it (`input.style`, `jobs.1.input.style`).
 */
export function checkImageJob(runtime: Pick<ProviderRuntime, 'registry'>, job: ImageJob, nameOf: (param: ImageParam) => string = (param) => param): void {
  const selection = selectCandidates(runtime.registry.list('image'), 'image', job.intent, job.constraints, { image: job.input });
  if (selection.candidates.length > 0) return;
  const excluded = selection.excluded.find((e) => e.by === 'imageParams');
  const provider = excluded && runtime.registry.get('image', excluded.provider);
  if (!provider) return;
  const model = job.constraints.models?.image ?? provider.defaultModel;
  const problem = imageParamProblems(model, provider.models[model], job.input)[0];
  if (!problem) return;
  const param = nameOf(problem.param);
  throw errors.invalidRequest(`${param}: ${problem.message} No image provider this job may use takes it; nothing was queued.`, param);
}
