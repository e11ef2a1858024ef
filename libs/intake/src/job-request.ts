import { jobRequestSchema, JOB_TYPES } from '@voxq/contracts';
import { errors } from '@voxq/errors';
import { parseOrThrow } from './validation';
import type { Submission } from './job-service';

/** A job request in JSON; `root` names where it sits in the body (`jobs.3` in a batch). */
export function jsonSubmission(body: unknown, root = ''): Submission {
  const type = (body as { type?: unknown } | null)?.type;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw errors.invalidRequest(`${root ? `${root}: ` : 'The body '}must be a JSON object.`, root || undefined);
  }
  if (!JOB_TYPES.includes(type as never)) {
    const param = root ? `${root}.type` : 'type';
    throw errors.invalidRequest(`${param}: must be one of ${JOB_TYPES.join(', ')}${type === undefined ? '' : ` (got ${JSON.stringify(type)})`}.`, param);
  }
  const request = parseOrThrow(jobRequestSchema, body, root);
  if (request.type !== 'transcribe') return request;
  const { audio } = request.input;
  // A reference ({uploadId} or {url}) is resolved by the job service; inline audio is decoded here.
  if (!('data' in audio)) return { ...request, input: { ...request.input, audio } };
  return { ...request, input: { ...request.input, audio: { data: Buffer.from(audio.data, 'base64'), contentType: audio.contentType } } };
}
