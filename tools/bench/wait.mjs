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
