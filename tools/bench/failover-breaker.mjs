// The failover phase's view of the primary's circuit breaker, sampled from its Redis keys
// while a run lasts: voxq keeps no history of breaker states, so the bench records its own.
import { redisKeys } from '../lib/redis-keys.mjs';
import { sleep } from './wait.mjs';

/**
 * Samples the primary's breaker keys every 100 ms: how often it opened and closed, how long
 * it was open, half-open, and had a probe claimed, its state changes and its state at the
 * end. `open` = breaker set and cooling down; `half-open` = breaker set, cooldown over (one
 * probe may claim it). Changes shorter than a sample (a probe that succeeds at once) are missed.
 */
export function watchBreaker(redis, prefix, provider) {
  // The breaker's state is three keys of the provider's LLM capability (`llm:<provider>`).
  const keys = redisKeys(prefix).providers;
  const providerKey = `llm:${provider}`;
  const [breakerKey, cooldownKey, probeKey] = [keys.breaker(providerKey), keys.cooldown(providerKey), keys.probe(providerKey)];
  const time = { closed: 0, open: 0, 'half-open': 0 };
  const timeline = [];
  const began = performance.now();
  let [state, opened, closed, probeHeldMs, heldProbe, last, stopped] = ['closed', 0, 0, 0, false, began, false];
  const loop = (async () => {
    while (!stopped) {
      const [[, breaker], [, cooldown], [, probe]] = (await redis.pipeline().exists(breakerKey).exists(cooldownKey).exists(probeKey).exec()) ?? [[], [], []];
      const now = performance.now();
      time[state] += now - last;
      if (heldProbe) probeHeldMs += now - last;
      heldProbe = probe === 1;
      last = now;
      const next = breaker ? (cooldown ? 'open' : 'half-open') : 'closed';
      if (next === 'open' && state !== 'open') opened++;
      if (next === 'closed' && state !== 'closed') closed++;
      if (next !== state && timeline.length < 100) timeline.push([Math.round(now - began), next]);
      state = next;
      await sleep(100);
    }
  })();
  return async () => {
    stopped = true;
    await loop;
    // A probe claim left at the end: when it was made and how long it still blocks others.
    const [[, claimedAt], [, pttl]] = await redis.pipeline().get(probeKey).pttl(probeKey).exec();
    return {
      opened,
      closed,
      msOpen: Math.round(time.open),
      msHalfOpen: Math.round(time['half-open']),
      msClosed: Math.round(time.closed),
      msProbeClaimed: Math.round(probeHeldMs),
      stateAtEnd: state,
      probeAtEnd: claimedAt ? { claimedMsAgo: Date.now() - Number(claimedAt), expiresInMs: pttl } : null,
      timeline,
    };
  };
}
