// The peers phase's second comparison (issue 16): Portkey's AI gateway (`@portkey-ai/gateway`,
// a dev dependency used by the bench only) against voxq's synchronous /v1/chat/completions,
// both calling the same upstream. Portkey is told where with `x-portkey-provider: openai` and
// `x-portkey-custom-host`. autocannon drives each, in turns so that neither gets the quieter
// moment: BENCH_PEERS_CONNECTIONS (16) connections at full speed for the req/s, then one
// connection for the latency, each BENCH_PEERS_SECONDS (10) after BENCH_PEERS_WARMUP_S (3)
// of the same load unmeasured. Latency percentiles come from each response's own time
// (autocannon's histogram rounds to whole milliseconds, too coarse at one connection).
import autocannon from 'autocannon';
import { freePort } from '../lib/net.mjs';
import { percentile } from './http-load.mjs';
import { start, stop, unlessExited } from './processes.mjs';
import { until } from './wait.mjs';

const PORTKEY_SERVER = 'node_modules/@portkey-ai/gateway/build/start-server.js';
const BODY = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });

function load({ url, headers, connections, seconds }) {
  const latencies = [];
  return new Promise((resolve, reject) => {
    const run = autocannon({ url, method: 'POST', headers, body: BODY, connections, duration: seconds }, (error, r) => {
      if (error) return reject(error);
      latencies.sort((a, b) => a - b);
      resolve({
        requestsPerSecond: r.requests.total / seconds,
        p50Ms: percentile(latencies, 50),
        p99Ms: percentile(latencies, 99),
        non2xx: r.non2xx,
        errors: r.errors + r.timeouts,
      });
    });
    run.on('response', (_client, status, _bytes, ms) => {
      if (status >= 200 && status < 300) latencies.push(ms);
    });
  });
}

/** One request, checked to be a chat completion: a contender answering errors fast must not win. */
async function probe(name, url, headers) {
  const res = await fetch(url, { method: 'POST', headers, body: BODY });
  const text = await res.text();
  let reply;
  try {
    reply = JSON.parse(text);
  } catch {
    reply = undefined;
  }
  if (res.status !== 200 || typeof reply?.choices?.[0]?.message?.content !== 'string') {
    throw new Error(`${name} did not answer a chat completion (HTTP ${res.status}): ${text.slice(0, 300)}`);
  }
}

async function startPortkey() {
  const port = await freePort();
  // --headless: no UI or log stream; NODE_ENV=production as a deployment runs it. The
  // gateway's CLI takes no host: it listens on every interface for the length of the phase.
  const child = start('portkey gateway', process.execPath, [PORTKEY_SERVER, `--port=${port}`, '--headless'], {
    env: { PATH: process.env.PATH, NODE_ENV: 'production' },
  });
  const url = `http://127.0.0.1:${port}`;
  const up = async () => (await fetch(url).then((r) => r.text())).includes('Gateway');
  await unlessExited(child, until('the Portkey gateway', up, 20_000));
  return { child, url };
}

export async function runPortkeyPeers({ opts, stack, apiKey, upstream, step }) {
  step(
    `peers, sync: Portkey's gateway against voxq's /v1/chat/completions, ${opts.peersConnections} connections then 1, ${opts.peersSeconds} s each after ${opts.peersWarmupSeconds} s warm-up`,
  );
  const portkey = await startPortkey();
  try {
    const contenders = {
      portkey: {
        url: `${portkey.url}/v1/chat/completions`,
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${upstream.apiKey}`,
          'x-portkey-provider': 'openai',
          'x-portkey-custom-host': upstream.url,
        },
        guard: (p) => unlessExited(portkey.child, p),
      },
      voxq: {
        url: `${stack.url}/v1/chat/completions`,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
        guard: stack.guard,
      },
    };
    for (const [name, c] of Object.entries(contenders)) await c.guard(probe(name, c.url, c.headers));
    const result = {};
    for (const [key, connections] of [
      ['c16', opts.peersConnections],
      ['c1', 1],
    ]) {
      result[key] = { connections };
      for (const [name, c] of Object.entries(contenders)) {
        const run = (seconds) => c.guard(load({ url: c.url, headers: c.headers, connections, seconds }));
        if (opts.peersWarmupSeconds > 0) await run(opts.peersWarmupSeconds);
        result[key][name] = await run(opts.peersSeconds);
      }
    }
    result.c16.ratio = result.c16.voxq.requestsPerSecond / result.c16.portkey.requestsPerSecond;
    result.c1.p50Ratio = result.c1.voxq.p50Ms / result.c1.portkey.p50Ms;
    return result;
  } finally {
    await stop(portkey.child);
  }
}
