// The chaos suite's submissions: CHAOS_JOBS jobs at a steady pace over the window, each
// repeated until accepted (tools/chaos/load.mjs), some cancelled shortly after.
import { sleep } from '../bench/wait.mjs';
import { typeOf } from './load.mjs';

/** At most this many submissions in flight: the pace stays steady without flooding the api. */
const MAX_IN_FLIGHT = 64;

/**
 * One job in `cancelEvery`, picked by an integer hash of its number: `i % n` would line up
 * with the type pattern (every 20th) and never cancel a transcribe, or never a synthesize.
 */
export function chosenForCancel(i, cancelEvery) {
  let h = Math.imul(i ^ (i >>> 16), 0x45d9f3b);
  h ^= h >>> 16;
  h = Math.imul(h, 0x45d9f3b);
  h ^= h >>> 16;
  return (h >>> 0) % cancelEvery === 0;
}

/**
 * Submits job 0…jobs-1, job `i` due at `started + i·windowMs/jobs`, and cancels the chosen
 * ones 0-120 ms after they were accepted. Returns once every submission is answered; the
 * cancels may still be running (`cancelsInFlight`: await them after the fault schedule).
 */
export async function submitJobs({ load, jobs, windowMs, started, cancelEvery, giveUpAt }) {
  const submitted = new Map(); // id → { i, type }
  const cancels = new Map(); // id → 'cancelled' | 'conflict' | null
  const duplicateIds = [];
  const cancelsInFlight = [];
  let notAccepted = 0;
  const inFlight = new Set();
  for (let i = 0; i < jobs; i++) {
    const due = started + (i * windowMs) / jobs;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    while (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
    const p = load.submit(i, giveUpAt()).then((id) => {
      if (!id) return void (notAccepted += 1);
      if (submitted.has(id)) duplicateIds.push({ id, first: submitted.get(id).i, again: i });
      submitted.set(id, { i, type: typeOf(i) });
      if (chosenForCancel(i, cancelEvery)) {
        cancelsInFlight.push(sleep((i % 7) * 20).then(async () => cancels.set(id, await load.cancel(id, giveUpAt()))));
      }
    });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  }
  await Promise.all(inFlight);
  return { submitted, cancels, duplicateIds, notAccepted, cancelsInFlight };
}
