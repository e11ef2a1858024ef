import express, { type RequestHandler } from 'express';
import type { Config } from '@voxq/config';
import { errors } from '@voxq/errors';

const AUDIO = ['audio/*', 'application/octet-stream'];

/**
 * `POST /v1/jobs` takes JSON, or raw audio for a transcribe job (seed 000: "Audio body is
 * binary ... no base64"). Anything else is a 415 that says what is accepted.
 */
export function jobBody(config: Config): RequestHandler {
  const json = express.json({ limit: config.api.jsonLimitBytes, strict: true, type: () => true });
  const raw = express.raw({ limit: config.api.audioLimitBytes, type: () => true });
  return (req, res, next) => {
    if (req.is('application/json')) return json(req, res, next);
    if (req.is(AUDIO)) return raw(req, res, next);
    if (!req.headers['content-type']) {
      return next(errors.unsupportedMediaType('Missing Content-Type: send application/json, or audio/* for a transcribe job.'));
    }
    next(
      errors.unsupportedMediaType(
        `Unsupported Content-Type '${req.headers['content-type']}': send application/json, or audio/* for a transcribe job.`,
      ),
    );
  };
}
