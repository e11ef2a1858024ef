/** The retry delays of the SDK's transport. */
export interface BackoffOptions {
  /** First delay before jitter. @defaultValue 500 */
  baseMs?: number;
  /** Longest delay, also the cap on a server's `Retry-After`. @defaultValue 30_000 */
  maxMs?: number;
}

/**
 * Delay before retry number `retry` (0 for the first): exponential with "equal jitter" (half
 * fixed, half random), so many clients refused at once do not come back at once. A server's
 * `Retry-After` is a floor: retrying sooner would only be refused again.
 */
export function retryDelayMs(retry: number, retryAfterSeconds: number | null, options: BackoffOptions = {}, random = Math.random): number {
  const { baseMs = 500, maxMs = 30_000 } = options;
  const exponential = Math.min(maxMs, baseMs * 2 ** retry);
  const jittered = exponential / 2 + random() * (exponential / 2);
  const floor = retryAfterSeconds === null ? 0 : Math.min(maxMs, retryAfterSeconds * 1000);
  return Math.round(Math.max(jittered, floor));
}
