import type { RequestHandler, Request } from 'express';
import type { ApiKeyStore, Principal } from '@voxq/auth';
import { errors } from '@voxq/errors';

/** Bearer API keys on every /v1 route; the principal scopes everything the request sees. */
export function authenticate(keys: ApiKeyStore): RequestHandler {
  return async (req, res, next) => {
    const match = /^Bearer\s+(\S{1,512})$/i.exec(req.header('authorization') ?? '');
    if (!match) return next(errors.unauthenticated());
    const principal = await keys.authenticate(match[1]!);
    if (!principal) return next(errors.unauthenticated('Invalid or revoked API key.'));
    req.principal = principal;
    // A long-lived answer (an event stream) asks again as it goes, so a revoked key's stream closes.
    res.locals['keyStillValid'] = async () => (await keys.authenticate(match[1]!)) !== null;
    next();
  };
}

export function principalOf(req: Request): Principal {
  if (!req.principal) throw errors.unauthenticated();
  return req.principal;
}
