// Waiting helpers for the tools (the bench, the chaos suite, the local cluster).

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Resolves once `check()` is truthy, polling every `everyMs`; rejects after `timeoutMs`. */
export async function until(what, check, timeoutMs, everyMs = 100) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}
