import { callUpstream, jsonAnswer, jsonBody } from '../engine';
import { checkImageParams, GENERIC_IMAGE_MODEL } from '../image-params';
import type { CallContext, ImageModelSpec, ImageProvider, ImageRequest, ImageResponse } from '../provider';
import { readOpenAiError } from './errors';
import { fromImagesResponse, toImagesRequest } from './image.mapper';
import { wireImagesSchema } from './image.wire.schema';

export interface OpenAiCompatibleImageOptions {
  /** Provider name in constraints and results: `openai`, or a compatible server's. */
  name: string;
  /** Up to and including the version segment, e.g. `https://api.openai.com/v1`. */
  baseUrl: string;
  apiKey: string;
  /** e.g. `gpt-image-1`. */
  defaultModel: string;
  /**
   * The models it serves by name, with the parameters each takes.
   * @defaultValue the default model alone, taking the prompt, `n`, `size` and `user` (`GENERIC_IMAGE_MODEL`)
   */
  models?: Readonly<Record<string, ImageModelSpec>>;
}

/**
 * Image generation over the OpenAI `POST /images/generations` wire format, for OpenAI and
 * every compatible server. Asks for the bytes (`b64_json`), which the worker stores in S3.
 */
export function createOpenAiCompatibleImage(options: OpenAiCompatibleImageOptions): ImageProvider {
  const { name, apiKey, defaultModel } = options;
  const models = options.models ?? { [defaultModel]: GENERIC_IMAGE_MODEL };
  const url = `${options.baseUrl.replace(/\/+$/, '')}/images/generations`;
  const headers = { authorization: `Bearer ${apiKey}` };
  const answer = jsonAnswer(wireImagesSchema);

  async function generate(request: ImageRequest, ctx: CallContext): Promise<ImageResponse> {
    const spec = models[request.model];
    checkImageParams(request.model, spec, request);
    const body = jsonBody(toImagesRequest(request, spec ?? GENERIC_IMAGE_MODEL));
    const wire = await callUpstream({ provider: name, url, headers, body, answer, readError: readOpenAiError, signal: ctx.signal });
    return fromImagesResponse(name, wire, request);
  }

  // Images follow the prompt's language: every language is served.
  return { name, capability: 'image', languages: '*', defaultModel, models, generate };
}
