import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { AppError } from '@voxq/errors';

/** The one user name HTTP Basic accepts; the password is the token. */
export const ADMIN_USER = 'admin';

/** What a browser shows in its login prompt. */
const CHALLENGE = 'Basic realm="voxq admin", charset="UTF-8"';

// Digests have one length whatever was sent, so the comparison takes the same time for any guess.
const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
const same = (given: string, expected: string) => timingSafeEqual(digest(given), digest(expected));

/**
 * Whether an `Authorization` header carries the admin token: `Bearer <token>` (scripts,
 * monitoring) or HTTP Basic with user `admin` and the token as password (browsers).
 */
export function adminAuthorized(authorization: string | undefined, token: string): boolean {
  const [scheme = '', credentials = ''] = (authorization ?? '').trim().split(/\s+/, 2);
  if (/^bearer$/i.test(scheme)) return same(credentials, token);
  if (!/^basic$/i.test(scheme)) return false;
  const decoded = Buffer.from(credentials, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  // Both halves are always compared, so a wrong user name is not told apart by timing.
  const userOk = same(decoded.slice(0, colon), ADMIN_USER);
  const passwordOk = same(decoded.slice(colon + 1), token);
  return userOk && passwordOk;
}

/**
 * Guards the operator dashboard. A miss is a 401 with a Basic challenge, so a browser asks
 * for the password; the header is never logged (the logger redacts `authorization`).
 */
export function adminAuth(token: string): RequestHandler {
  return (req, res, next) => {
    if (adminAuthorized(req.header('authorization'), token)) return next();
    res.setHeader('WWW-Authenticate', CHALLENGE);
    next(
      new AppError({
        code: 'invalid_admin_token',
        type: 'authentication_error',
        status: 401,
        message: 'Send the admin token: `Authorization: Bearer <ADMIN_TOKEN>`, or HTTP Basic with user `admin` and the token as password.',
      }),
    );
  };
}
