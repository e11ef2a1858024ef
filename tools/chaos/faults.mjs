// The chaos schedule: provider faults on the simulator for the whole submission window, and
// the process, Redis and receiver faults at fixed fractions of it (the plan is in
// tools/chaos.mjs's header and docs/chaos.md). The Redis faults are the Redis's own
// (tools/chaos/redis.mjs): a restart of one redis-server, or a cluster's failovers.
import { httpOk, sleep, until } from '../bench/wait.mjs';

/** Each vendor's calls: 20% answered 503, 5% left hanging (PROVIDER_TIMEOUT_MS gives up on them). */
export const FAULTS = {
  mix: [
    { rate: 0.2, fault: { status: 503 } },
    { rate: 0.05, fault: { hang: true } },
  ],
};
export const VENDORS = ['openai', 'groq'];
/** 429s queued on one vendor every 6 s, alternating. */
const BURST_429 = 25;

/** A call to the simulator's admin routes (`/_simulator/<what>?provider=`). */
export async function simulatorAdmin(simulatorUrl, method, what, provider, body) {
  const res = await fetch(`${simulatorUrl}/_simulator/${what}?provider=${provider}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`simulator ${method} ${what}: ${res.status} ${await res.text()}`);
}

/** How the provider faults read in the run's log ("20% 503 + 5% hangs"). */
export const describeFaults = () => FAULTS.mix.map((m) => `${m.rate * 100}% ${'hang' in m.fault ? 'hangs' : m.fault.status}`).join(' + ');

export async function providerFaults(simulatorUrl, on) {
  for (const vendor of VENDORS) await simulatorAdmin(simulatorUrl, 'PUT', 'chaos', vendor, on ? FAULTS : null);
}

/**
 * Starts the schedule, timed from now over a window of `windowMs`, and returns its `events`
 * (await them all once the submissions are done) and `stopBursts` (the 429 bursts run until
 * called). `mark` logs a fault as it lands. `redisFaults` are `{ at, run }`: `run` breaks
 * Redis and resolves, with what it did, once Redis serves again.
 */
export function scheduleFaults({ windowMs, apps, startWorker, startDispatcher, redisFaults, postgresFaults = [], receiver, apiUrl, simulatorUrl, mark, step }) {
  // Process faults run one after another (each no earlier than its time, never before the
  // previous one has recovered); receiver faults land at their time whatever else is running.
  const events = [];
  const after = (fraction, fn) => events.push(sleep(fraction * windowMs).then(fn));
  let processFaults = Promise.resolve();
  const then = (fraction, fn) => {
    const due = sleep(fraction * windowMs);
    processFaults = Promise.all([processFaults, due]).then(fn);
    events.push(processFaults);
  };
  then(0.25, () => apps.killAndRestart('worker-a', startWorker, 'worker started').then(() => mark('worker-a SIGKILLed, started again and serving')));
  after(0.3, () => (receiver.unavailable(), mark('receiver: 503 + Retry-After from now')));
  after(0.4, () => receiver.refusing().then(() => mark('receiver: connections refused from now')));
  for (const fault of redisFaults) {
    then(fault.at, async () => {
      mark(await fault.run());
      const t = performance.now();
      await until('the api to answer /readyz again', () => httpOk(`${apiUrl}/readyz`), 30_000, 50);
      mark(`api ready again ${Math.round(performance.now() - t)} ms after Redis came back`);
    });
  }
  // The history tier's Postgres: finished records wait in Redis meanwhile, and move once it is back.
  for (const fault of postgresFaults) then(fault.at, async () => mark(await fault.run()));
  after(0.5, () => receiver.up().then(() => mark('receiver: up again')));
  // While the receiver answers 300 ms after taking a delivery, so that the kill catches
  // deliveries received but not yet acknowledged: BullMQ's stalled check sends them again,
  // duplicates that must carry the same webhook-id.
  then(0.55, async () => {
    receiver.slow(300);
    await sleep(1_000);
    await apps.killAndRestart('dispatcher', startDispatcher, 'dispatcher started');
    receiver.slow(0);
    mark('dispatcher SIGKILLed (receiver answering 300 ms late), started again and serving');
  });
  then(0.65, () => apps.killAndRestart('worker-b', startWorker, 'worker started').then(() => mark('worker-b SIGKILLed, started again and serving')));
  let bursts = 0;
  const burstTimer = setInterval(() => {
    const vendor = VENDORS[bursts++ % VENDORS.length];
    const faults = Array.from({ length: BURST_429 }, () => ({ status: 429, retryAfterSeconds: 1 }));
    void simulatorAdmin(simulatorUrl, 'POST', 'faults', vendor, faults).catch((error) => step(`429 burst not queued: ${error.message}`));
  }, 6_000);
  return { events, stopBursts: () => clearInterval(burstTimer) };
}
