import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import type { ErrorEnvelope } from '@voxq/contracts';
import { AppError, errors, isRedisUnavailable } from '@voxq/errors';
import type { Logger } from '@voxq/logging';
import { isSpekoSdk, SPEKO_ONE_SHOT_PATHS, spekoErrorBody } from '@voxq/surfaces';

type ExpressError = { type?: string; message?: string; limit?: number; status?: number; errno?: unknown };

/**
 * A body that does not decompress as its `Content-Encoding` says: body-parser passes on
 * node:zlib's own error (`Z_DATA_ERROR`, `Z_BUF_ERROR` when cut short, brotli's
 * `ERR__ERROR_FORMAT_*`) with status 400 and no `type`; only zlib's carry a numeric `errno`.
 */
const isDecompressionError = (error: ExpressError) => error.status === 400 && error.type === undefined && typeof error.errno === 'number';

/**
 * body-parser's errors carry a `type`; map each to what the client did wrong. The router's
 * one client error (a path that is not valid percent-encoding) is a URIError with status 400.
 */
export function fromExpress(error: ExpressError): AppError | null {
  if (error.status === 400 && error instanceof URIError) return errors.invalidRequest(`Malformed URL: ${error.message}.`, undefined, 'invalid_url');
  if (isDecompressionError(error)) {
    return errors.invalidRequest(`The body does not decompress as its Content-Encoding says: ${error.message}.`, undefined, 'invalid_content_encoding');
  }
  switch (error.type) {
    case 'entity.parse.failed':
      return errors.invalidRequest(`Malformed JSON body: ${error.message}.`, undefined, 'invalid_json');
    case 'entity.too.large':
      return errors.payloadTooLarge(`Request body is larger than the limit of ${error.limit} bytes.`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return errors.unsupportedMediaType(`${error.message}.`);
    case 'request.aborted':
    case 'request.size.invalid':
      return errors.invalidRequest(`The request body was incomplete: ${error.message}.`, undefined, 'incomplete_body');
    default:
      return null;
  }
}

export function envelope(error: AppError): ErrorEnvelope {
  return { error: { type: error.type, code: error.code, message: error.message, param: error.param ?? null } };
}

/**
 * The error body a request gets: Speko's `{error: "<message>", code}` on Speko's one-shot
 * routes and for the Speko SDK anywhere (it reads no other shape), else voxq's envelope.
 */
export function errorBodyFor(req: Pick<Request, 'path' | 'header'>, error: AppError): object {
  return SPEKO_ONE_SHOT_PATHS.has(req.path) || isSpekoSdk(req.header('user-agent')) ? spekoErrorBody(error) : envelope(error);
}

/** The one place errors become HTTP responses, in the envelope of the surface asked. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (thrown, req, res, _next) => {
    const redisDown = isRedisUnavailable(thrown);
    const error =
      thrown instanceof AppError
        ? thrown
        : redisDown
          ? errors.redisUnavailable(thrown)
          : (fromExpress(thrown as object) ?? errors.internal('Internal server error.', thrown));
    // Redis being away is logged once per outage by its connection's watcher
    // (`watchRedisConnection`); a stack per request would bury everything else.
    if (redisDown) logger.debug({ reqId: req.id, path: req.path, code: error.code }, 'request refused: redis unavailable');
    else if (error.status >= 500) logger.error({ err: thrown, reqId: req.id, path: req.path }, 'request failed');
    if (error.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(error.retryAfterSeconds));
    if (res.headersSent) return void res.end();
    res.status(error.status).json(errorBodyFor(req, error));
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => next(errors.routeNotFound(req.method, req.path));
