// Submits jobs with a fixed number of concurrent keep-alive clients and records each
// request's latency. Uses undici when node_modules has it (less client CPU on a small
// machine), node:http with a keep-alive Agent otherwise; no dependency is added for it.
import http from 'node:http';

async function undiciPool(origin, connections) {
  try {
    const { Pool } = await import('undici');
    const pool = new Pool(origin, { connections, pipelining: 1 });
    return {
      client: 'undici',
      async post(path, headers, body) {
        const res = await pool.request({ path, method: 'POST', headers, body });
        const text = await res.body.text();
        return { status: res.statusCode, text };
      },
      close: () => pool.close(),
    };
  } catch {
    return null;
  }
}

function nodeHttpPool(origin, connections) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const { hostname, port } = new URL(origin);
  return {
    client: 'node:http',
    post(path, headers, body) {
      return new Promise((resolve, reject) => {
        const req = http.request(
          { host: hostname, port, path, method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) }, agent },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (c) => (text += c));
            res.on('end', () => resolve({ status: res.statusCode, text }));
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    },
    close: async () => agent.destroy(),
  };
}

export async function openClient(origin, connections) {
  return (await undiciPool(origin, connections)) ?? nodeHttpPool(origin, connections);
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * POSTs `count` bodies to `path` with `concurrency` requests in flight. `onFirst` is called
 * as the first request goes out. Returns accepted (202) count, failures, rate and latencies.
 */
export async function submitAll(client, { path, headers, body, count, concurrency, onFirst = () => {} }) {
  const latencies = new Float64Array(count);
  const failures = new Map();
  let issued = 0;
  let accepted = 0;
  const started = performance.now();
  onFirst();
  async function lane() {
    while (issued < count) {
      const i = issued++;
      const t0 = performance.now();
      try {
        const res = await client.post(path, headers, body);
        if (res.status === 202) accepted++;
        else failures.set(`HTTP ${res.status}: ${res.text.slice(0, 200)}`, (failures.get(`HTTP ${res.status}: ${res.text.slice(0, 200)}`) ?? 0) + 1);
      } catch (error) {
        failures.set(String(error.message), (failures.get(String(error.message)) ?? 0) + 1);
      }
      latencies[i] = performance.now() - t0;
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  const ms = performance.now() - started;
  const sorted = latencies.sort();
  return {
    accepted,
    failures: Object.fromEntries(failures),
    ms,
    rate: (count / ms) * 1000,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
  };
}
