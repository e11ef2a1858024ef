import express, { type RequestHandler } from 'express';
import type { Config } from '@voxq/config';
import { errors } from '@voxq/errors';

const AUDIO = ['audio/*', 'application/octet-stream'];

const jsonParser = (config: Config) => express.json({ limit: config.api.jsonLimitBytes, strict: true, type: () => true });

const unsupported = (req: express.Request, accepted: string) =>
  errors.unsupportedMediaType(
    req.headers['content-type'] ? `Unsupported Content-Type '${req.headers['content-type']}': send ${accepted}.` : `Missing Content-Type: send ${accepted}.`,
  );

/**
 * `POST /v1/jobs` takes JSON, or raw audio for a transcribe job (seed 000: "Audio body is
 * binary ... no base64"). Anything else is a 415 that says what is accepted.
 */
export function jobBody(config: Config): RequestHandler {
  const json = jsonParser(config);
  const raw = express.raw({ limit: config.api.audioLimitBytes, type: () => true });
  return (req, res, next) => {
    if (req.is('application/json')) return json(req, res, next);
    if (req.is(AUDIO)) return raw(req, res, next);
    next(unsupported(req, 'application/json, or audio/* for a transcribe job'));
  };
}

/** JSON only (batch submissions carry no binary audio). */
export function jsonBody(config: Config): RequestHandler {
  const json = jsonParser(config);
  return (req, res, next) => (req.is('application/json') ? json(req, res, next) : next(unsupported(req, 'application/json')));
}
