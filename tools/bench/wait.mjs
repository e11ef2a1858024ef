// Waiting helpers shared by the benchmark's phases.

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Resolves once `check()` is truthy; rejects after `timeoutMs`. */
export async function until(what, check, timeoutMs, everyMs = 100) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

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
