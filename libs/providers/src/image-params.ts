import type { ImageInput } from '@voxq/contracts';
import { errors } from '@voxq/errors';
import type { ImageModelSpec } from './provider';

/**
 * A model voxq knows no limits of (a compatible server's own, or a name pinned by
 * `constraints.models.image`): it is sent the prompt, `n`, `size` and `user`, so a job setting
 * anything else for it is refused rather than sent without it.
 */
export const GENERIC_IMAGE_MODEL: ImageModelSpec = {
  maxImages: 10,
  qualities: [],
  maxPromptChars: 32_000,
  defaultResponseFormat: 'b64_json',
  takesResponseFormat: true,
};

/** The image parameters a request may set, as a job names them. */
export type ImageParam = Exclude<keyof ImageInput, 'prompt' | 'user'> | 'prompt';

export interface ImageParamProblem {
  param: ImageParam;
  message: string;
}

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

/**
 * Every parameter the image job sets that `model` does not take, or takes with other values:
 * each with the reason, worded for the caller. Empty when the model can serve the job as asked.
 */
export function imageParamProblems(model: string, spec: ImageModelSpec | undefined, input: ImageInput): ImageParamProblem[] {
  const s = spec ?? GENERIC_IMAGE_MODEL;
  const problems: ImageParamProblem[] = [];
  const refuse = (param: ImageParam, message: string) => problems.push({ param, message });
  if (input.prompt.length > s.maxPromptChars) refuse('prompt', `${model} takes prompts of at most ${s.maxPromptChars} characters.`);
  if (input.n > s.maxImages) refuse('n', `${model} makes at most ${s.maxImages} image${s.maxImages === 1 ? '' : 's'} per request.`);
  if (input.size !== undefined && s.sizes && !s.sizes.includes(input.size)) refuse('size', `${model} makes the sizes ${list(s.sizes)}, not '${input.size}'.`);
  if (input.quality !== undefined && input.quality !== 'auto' && !s.qualities.includes(input.quality)) {
    refuse('quality', `${model} takes the qualities ${list(['auto', ...s.qualities])}, not '${input.quality}'.`);
  }
  if (input.style !== undefined && !s.styles?.includes(input.style)) {
    refuse('style', s.styles ? `${model} takes the styles ${list(s.styles)}, not '${input.style}'.` : `${model} does not take a style (DALL·E 3 does).`);
  }
  const format = input.outputFormat ?? 'png';
  if (input.outputFormat !== undefined && input.outputFormat !== 'png' && !s.outputFormats?.includes(input.outputFormat)) {
    refuse('outputFormat', `${model} makes PNG only, not '${input.outputFormat}'.`);
  }
  for (const param of ['background', 'moderation', 'outputCompression'] as const) {
    if (input[param] !== undefined && !s.gptImageParams) refuse(param, `${model} does not take this parameter (the GPT image models do).`);
  }
  if (s.gptImageParams && input.background === 'transparent' && format === 'jpeg')
    refuse('background', 'A transparent background needs the png or webp format, not jpeg.');
  if (s.gptImageParams && input.outputCompression !== undefined && format === 'png')
    refuse('outputCompression', 'Compression applies to the jpeg and webp formats, not png.');
  return problems;
}

/**
 * Refuses, before any call, a job `model` cannot serve as asked (a 400 naming the first such
 * parameter, as `name` spells it for the caller). The same check runs on the API before queuing.
 */
export function checkImageParams(model: string, spec: ImageModelSpec | undefined, input: ImageInput, name: (param: ImageParam) => string = (p) => p): void {
  const problem = imageParamProblems(model, spec, input)[0];
  if (problem) throw errors.invalidRequest(`${name(problem.param)}: ${problem.message}`, name(problem.param));
}
