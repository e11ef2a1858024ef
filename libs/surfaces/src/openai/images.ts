import { z } from 'zod';
import {
  IMAGE_FORMATS,
  IMAGE_QUALITIES,
  jobRequestSchema,
  MAX_IMAGES_PER_JOB,
  type Constraints,
  type ImageInput,
  type ImageResult,
  type JobView,
} from '@voxq/contracts';
import { errors, isAppError } from '@voxq/errors';
import { toValidationError } from '@voxq/intake';
import { imageParamProblems, resolveModel, servesModel, type ImageParam, type ProviderRuntime } from '@voxq/providers';
import { tenantOfKey, type ObjectStore } from '@voxq/storage';
import { modelNotFound } from './embeddings';

/**
 * OpenAI's `images.generate` body. Strict, unlike the other OpenAI surfaces: every image
 * parameter depends on the model, so one voxq does not know is refused (400 naming it) rather
 * than dropped. Nulls are what the SDK's types allow for "not set".
 */
export const imagesRequestSchema = z.strictObject({
  prompt: z.string(),
  model: z.string().min(1).max(256).nullish(),
  n: z.number().int().min(1).max(MAX_IMAGES_PER_JOB).nullish(),
  size: z.string().max(32).nullish(),
  quality: z.enum(IMAGE_QUALITIES).nullish(),
  style: z.enum(['vivid', 'natural']).nullish(),
  background: z.enum(['transparent', 'opaque', 'auto']).nullish(),
  output_format: z.enum(IMAGE_FORMATS).nullish(),
  output_compression: z.number().int().min(0).max(100).nullish(),
  moderation: z.enum(['low', 'auto']).nullish(),
  /** How voxq answers (the bytes read back from S3, or a presigned URL), for every model: it stores the images itself. */
  response_format: z.enum(['url', 'b64_json']).nullish(),
  user: z.string().max(256).nullish(),
  /** Streamed partial images (GPT image models): refused, voxq answers whole images. */
  stream: z.boolean().nullish(),
  partial_images: z.number().int().min(0).max(3).nullish(),
});
export type ImagesRequest = z.infer<typeof imagesRequestSchema>;
export type ImagesFormat = 'url' | 'b64_json';

/** OpenAI's name of each job input field, so an error names what the caller sent. */
const OPENAI_NAME: Record<ImageParam | 'user', string> = {
  prompt: 'prompt',
  n: 'n',
  size: 'size',
  quality: 'quality',
  style: 'style',
  background: 'background',
  outputFormat: 'output_format',
  outputCompression: 'output_compression',
  moderation: 'moderation',
  user: 'user',
};
const openAiName = (param: string) => OPENAI_NAME[param as ImageParam] ?? param;

/** An image job request, before `POST /v1/jobs`'s own checks (`jobRequestSchema`). */
export interface ImageJobRequest {
  type: 'image';
  input: ImageInput;
  constraints: Constraints;
}

const defined = <T>(value: T | null | undefined): value is T => value !== null && value !== undefined;

/** The job input an OpenAI request asks for, checked by the job's own schema (errors named as OpenAI names the fields). */
function imageInputOf(body: ImagesRequest): ImageInput {
  const fields = {
    prompt: body.prompt,
    n: body.n,
    size: body.size,
    quality: body.quality,
    style: body.style,
    background: body.background,
    outputFormat: body.output_format,
    outputCompression: body.output_compression,
    moderation: body.moderation,
    user: body.user || undefined,
  };
  const input = Object.fromEntries(Object.entries(fields).filter(([, v]) => defined(v)));
  const parsed = jobRequestSchema.safeParse({ type: 'image', input });
  if (parsed.success && parsed.data.type === 'image') return parsed.data.input;
  const issues = (parsed.error?.issues ?? []).map((issue) => ({ ...issue, path: [openAiName(String(issue.path[1] ?? issue.path[0]))] }));
  throw toValidationError(new z.ZodError(issues));
}

/**
 * The image job for an OpenAI generations request (validated by the caller), and the form its
 * answer takes. A named `model` (an id, a `provider/model` pair or an alias) pins that model
 * on every configured provider serving it, which fail over to each other; each parameter is
 * checked against the model before anything is queued (a 400 naming the first it does not
 * take). Without one, the router picks among the providers whose default model takes them all.
 */
export function imagesRequest(runtime: Pick<ProviderRuntime, 'registry'>, body: ImagesRequest): { request: ImageJobRequest; format: ImagesFormat } {
  if (body.stream) throw errors.invalidRequest('stream: voxq answers whole images; leave stream out (partial images are not streamed).', 'stream');
  if (defined(body.partial_images)) throw errors.invalidRequest('partial_images: voxq answers whole images; leave partial_images out.', 'partial_images');
  const input = imageInputOf(body);
  const refuse = (problem: { param: ImageParam; message: string }) =>
    errors.invalidRequest(`${openAiName(problem.param)}: ${problem.message} Nothing was queued.`, openAiName(problem.param));
  const providers = runtime.registry.list('image');
  if (defined(body.model)) {
    const resolved = imageModel(runtime, body.model);
    const spec = resolved.provider.models[resolved.model];
    const problem = imageParamProblems(resolved.model, spec, input)[0];
    if (problem) throw refuse(problem);
    // A `provider/model` pair names its provider; a bare id or alias any provider serving the model.
    const pair = (runtime.registry.aliases[body.model] ?? body.model) === `${resolved.provider.name}/${resolved.model}`;
    const servers = pair ? [resolved.provider.name] : providers.filter((p) => servesModel(p, resolved.model)).map((p) => p.name);
    return {
      request: { type: 'image', input, constraints: { allowedProviders: { image: servers }, models: { image: resolved.model } } },
      format: body.response_format ?? spec?.defaultResponseFormat ?? 'b64_json',
    };
  }
  if (providers.length === 0) throw errors.noProvider('No image provider is configured.');
  const problemsOf = (p: (typeof providers)[number]) => imageParamProblems(p.defaultModel, p.models[p.defaultModel], input);
  const able = providers.find((p) => problemsOf(p).length === 0);
  if (!able) throw refuse(problemsOf(providers[0]!)[0]!);
  return {
    request: { type: 'image', input, constraints: {} },
    format: body.response_format ?? able.models[able.defaultModel]?.defaultResponseFormat ?? 'b64_json',
  };
}

/** The configured image model a request names, or OpenAI's `model_not_found` as a 404 (as every 404 of voxq's). */
function imageModel(runtime: Pick<ProviderRuntime, 'registry'>, name: string) {
  try {
    return resolveModel(runtime, 'image', name);
  } catch (error) {
    throw isAppError(error) && error.code === 'model_not_found' ? modelNotFound(name) : error;
  }
}

/** The most bytes one stored image is read back as, for a `b64_json` answer. */
const MAX_IMAGE_BYTES = 64 * 1024 * 1024;

export interface ImageAnswerOptions {
  objects: ObjectStore;
  /** Whose job it is: an image outside that tenant's folder is not read (404). */
  tenantId: string;
  /** How long a `url` answer stays valid. */
  urlTtlSeconds: number;
}

/**
 * OpenAI's `ImagesResponse` for a finished image job: each image read back from S3 as
 * `b64_json`, or a presigned URL, as the request asked; the GPT image models' own fields and
 * token usage when the provider reported them.
 */
export async function imagesResponse(job: JobView, format: ImagesFormat, options: ImageAnswerOptions) {
  const r = job.result as ImageResult;
  const data = await Promise.all(
    r.images.map(async (image) => {
      if (tenantOfKey(image.key) !== options.tenantId) throw errors.notFound('result', job.id);
      const revised = image.revisedPrompt === undefined ? {} : { revised_prompt: image.revisedPrompt };
      if (format === 'url') return { url: await options.objects.presignGet({ key: image.key }, { expiresInSeconds: options.urlTtlSeconds }), ...revised };
      const { data: bytes } = await options.objects.getBuffer({ key: image.key }, MAX_IMAGE_BYTES);
      return { b64_json: bytes.toString('base64'), ...revised };
    }),
  );
  const { inputTokens, outputTokens } = r.usage;
  return {
    created: Math.floor(Date.parse(job.finishedAt ?? job.createdAt) / 1000),
    data,
    ...(r.background ? { background: r.background } : {}),
    ...(r.outputFormat ? { output_format: r.outputFormat } : {}),
    ...(r.quality ? { quality: r.quality } : {}),
    ...(r.size ? { size: r.size } : {}),
    ...(inputTokens !== undefined && outputTokens !== undefined
      ? {
          usage: {
            input_tokens: inputTokens,
            output_tokens: outputTokens,
            total_tokens: inputTokens + outputTokens,
            // voxq sends text prompts only: every input token is text.
            input_tokens_details: { text_tokens: inputTokens, image_tokens: 0 },
          },
        }
      : {}),
  };
}

/** The answer form a batch line asked for, kept on its job's metadata. */
export const imagesFormatOf = (job: JobView): ImagesFormat => (job.metadata['responseFormat'] === 'url' ? 'url' : 'b64_json');
