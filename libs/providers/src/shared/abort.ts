import { errors, type AppError } from '@voxq/errors';

/**
 * The error for a call whose signal fired. The router combines the job's signal with a
 * per-call timeout, so the reason tells the two apart: a timeout is the upstream's fault
 * (fail over), anything else means the job was cancelled (stop).
 */
export function abortError(provider: string, signal: AbortSignal): AppError {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name === 'TimeoutError') {
    return errors.providerUnavailable(provider, 'timed out', reason);
  }
  return errors.cancelled();
}
