// Waiting helpers shared by the benchmark's phases.

import { sleep, until } from '../lib/wait.mjs';

export { sleep, until };

/** True when a GET of `url` answers 2xx. */
export async function httpOk(url) {
  const res = await fetch(url);
  await res.arrayBuffer();
  return res.ok;
}

/**
 * Polls `count()` every 50 ms until it reaches `target()` (undefined while not yet known) or
 * `timeoutMs` has passed: how the end-to-end phases see their last job finish. `guard` wraps
 * each wait (it rejects when an app under test has died). Returns the last count and, when it
 * got there, the `performance.now()` it did.
 */
export async function pollUntilCount(count, target, timeoutMs, guard = (waiting) => waiting) {
  const deadline = Date.now() + timeoutMs;
  let done = 0;
  for (;;) {
    await guard(sleep(50));
    done = await count();
    const wanted = target();
    if (wanted !== undefined && done >= wanted) return { done, finished: performance.now() };
    if (Date.now() > deadline) return { done, finished: undefined };
  }
}
