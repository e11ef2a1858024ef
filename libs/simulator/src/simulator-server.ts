import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { chaosSchema, FaultPlan, faultSchema, latencySchema, type Chaos, type Fault, type Latency } from './faults';
import { formFields, queryParams, RequestLog, redactHeaders, type RecordedRequest } from './request-log';
import type { SimRequest, SimResponse, SimVendor } from './vendor';
import { DEFAULT_VENDOR, VENDORS } from './vendors';
import { realtimeUpgrade } from './realtime/realtime-upgrade';

export interface StartSimulatorOptions {
  /** @defaultValue 0 (any free port) */
  port?: number;
  /** @defaultValue `'127.0.0.1'` */
  host?: string;
  /**
   * The delay between a streamed answer's events (tokens), for every vendor until one is
   * set with `setLatency`.
   * @defaultValue 0
   */
  tokenMs?: number;
}

export interface Simulator {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `url + '/v1'`: an OpenAI-compatible base URL (the `openai` vendor). */
  baseUrl: string;
  port: number;
  /** A vendor's base URL as its client takes it, e.g. `baseUrlFor('groq')` → `…/groq/openai/v1`. */
  baseUrlFor(provider: string): string;
  /** Faults for the next requests to one vendor (default `openai`), in order. */
  enqueueFaults(faults: readonly Fault[], provider?: string): void;
  setLatency(latency: Latency, provider?: string): void;
  /** Random faults for one vendor (null stops them). */
  setChaos(chaos: Chaos | null, provider?: string): void;
  /** Requests in flight now and at most, for one vendor (limits tests). */
  stats(provider?: string): { inFlight: number; maxInFlight: number };
  /** Clears queued faults, latency and recorded requests. */
  reset(): void;
  /** The recorded provider requests, oldest first (admin calls are not recorded). */
  requests(provider?: string): RecordedRequest[];
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024 * 1024;
const byName = new Map(VENDORS.map((v) => [v.name, v]));

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLarge());
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    // Not JSON (audio, multipart, a test's garbage): the vendor handler decides what that means.
    return undefined;
  }
}

function encode(response: SimResponse): { headers: Record<string, string>; body: Buffer } {
  const isRaw = typeof response.body === 'string' || Buffer.isBuffer(response.body);
  const body = isRaw ? Buffer.from(response.body as string | Buffer) : Buffer.from(JSON.stringify(response.body));
  return { headers: { ...(isRaw ? {} : { 'content-type': 'application/json' }), ...response.headers, 'content-length': String(body.length) }, body };
}

/** A streamed answer, frame by frame `tokenMs` apart; a `cut` fault stops it halfway (after at least one frame). */
async function writeStream(res: ServerResponse, response: SimResponse, frames: readonly string[], tokenMs: number, fault?: Fault): Promise<void> {
  res.writeHead(response.status, response.headers);
  const last = fault && 'cut' in fault ? Math.max(1, Math.floor(frames.length / 2)) : frames.length;
  for (let i = 0; i < last && !res.destroyed; i++) {
    if (i > 0 && tokenMs > 0) await sleep(tokenMs);
    res.write(frames[i]);
  }
  if (last < frames.length) return void res.socket?.destroy();
  res.end();
}

async function write(res: ServerResponse, response: SimResponse, fault?: Fault, tokenMs = 0): Promise<void> {
  if (response.stream) return writeStream(res, response, response.stream, tokenMs, fault);
  const { headers, body } = encode(response);
  res.writeHead(response.status, headers);
  if (fault && 'cut' in fault) {
    res.write(body.subarray(0, Math.floor(body.length / 2)));
    res.socket?.destroy();
    return;
  }
  if (fault && 'slowMs' in fault) {
    const pieces = 10;
    const size = Math.ceil(body.length / pieces);
    for (let i = 0; i < pieces && !res.destroyed; i++) {
      res.write(body.subarray(i * size, (i + 1) * size));
      await sleep(fault.slowMs / pieces);
    }
  }
  res.end(fault && 'slowMs' in fault ? undefined : body);
}

/** Finds the vendor from the mount point; unprefixed paths are OpenAI's. */
function route(path: string): { vendor: SimVendor; rest: string } {
  const [, first, rest] = /^\/([^/]+)(\/.*)?$/.exec(path) ?? [];
  const vendor = first ? byName.get(first) : undefined;
  return vendor ? { vendor, rest: rest ?? '/' } : { vendor: DEFAULT_VENDOR, rest: path };
}

function describeBody(raw: Buffer, json: unknown, contentType: string | undefined): unknown {
  if (json !== undefined) return json;
  if (/^(text\/|application\/x-www-form-urlencoded)/.test(contentType ?? '')) return raw.toString('utf8');
  return raw.length === 0 ? '' : `<${raw.length} bytes of ${contentType ?? 'unknown type'}>`;
}

class Vendors {
  private readonly plans = new Map<string, FaultPlan>();

  constructor(private readonly tokenMs: number) {}

  plan(name: string): FaultPlan {
    let plan = this.plans.get(name);
    if (!plan) this.plans.set(name, (plan = new FaultPlan(this.tokenMs)));
    return plan;
  }

  reset(): void {
    for (const plan of this.plans.values()) plan.reset();
  }
}

async function serveProvider(req: IncomingMessage, res: ServerResponse, url: URL, raw: Buffer, vendors: Vendors, log: RequestLog) {
  const { vendor, rest } = route(url.pathname);
  let json: unknown;
  let parsed = false;
  const simReq: SimRequest = {
    method: req.method ?? 'GET',
    path: rest,
    params: {},
    query: url.searchParams,
    headers: req.headers,
    body: raw,
    json: () => {
      if (!parsed) [json, parsed] = [parseJson(raw), true];
      return json;
    },
  };
  const form = await formFields(raw, req.headers['content-type']);
  log.record({
    provider: vendor.name,
    method: simReq.method,
    path: url.pathname,
    query: queryParams(url.searchParams),
    headers: redactHeaders(req.headers),
    body: describeBody(raw, simReq.json(), req.headers['content-type']),
    ...(form ? { form } : {}),
    at: Date.now(),
  });

  const plan = vendors.plan(vendor.name);
  plan.maxInFlight = Math.max(plan.maxInFlight, ++plan.inFlight);
  res.once('close', () => plan.inFlight--);
  const delay = plan.delayMs();
  if (delay > 0) await sleep(delay);
  const fault = plan.next();
  if (fault && 'hang' in fault) return; // Leave the response open: the client has to give up.
  if (fault && 'reset' in fault) return void req.socket.destroy();
  if (fault && 'malformed' in fault) {
    return write(res, { status: 200, headers: { 'content-type': 'application/json' }, body: '{"id":"malformed","content":[{"type":' });
  }
  if (fault && 'status' in fault) return write(res, vendor.error(fault.status, fault.message ?? `Simulated HTTP ${fault.status}.`, fault.retryAfterSeconds));

  const match = vendor.routes.find((r) => r.method === simReq.method && r.path.test(rest));
  if (!match) return write(res, vendor.error(404, `Invalid URL (${simReq.method} ${url.pathname})`));
  simReq.params = { ...match.path.exec(rest)?.groups };
  const denied = match.public ? null : vendor.authenticate(simReq);
  if (denied) return write(res, denied);
  return write(res, await match.handle(simReq), fault, plan.tokenMs());
}

async function admin(req: IncomingMessage, res: ServerResponse, url: URL, raw: Buffer, vendors: Vendors, log: RequestLog) {
  const route = `${req.method} ${url.pathname}`;
  const body = parseJson(raw);
  const provider = url.searchParams.get('provider') ?? DEFAULT_VENDOR.name;
  const bad = (message: string) => write(res, DEFAULT_VENDOR.error(400, message));
  if (!byName.has(provider)) return bad(`Unknown provider '${provider}'; known: ${[...byName.keys()].join(', ')}.`);
  const issue = (error: z.ZodError) => error.issues[0]?.message ?? 'invalid';
  switch (route) {
    case 'POST /_simulator/faults': {
      const parsed = z.array(faultSchema).safeParse(Array.isArray(body) ? body : [body]);
      if (!parsed.success) return bad(`Invalid faults: ${issue(parsed.error)}`);
      return write(res, { status: 200, body: { provider, pending: vendors.plan(provider).enqueue(parsed.data) } });
    }
    case 'PUT /_simulator/latency': {
      const parsed = latencySchema.safeParse(body);
      if (!parsed.success) return bad(`Invalid latency: ${issue(parsed.error)}`);
      return write(res, { status: 200, body: { provider, ...vendors.plan(provider).setLatency(parsed.data) } });
    }
    case 'PUT /_simulator/chaos': {
      const parsed = chaosSchema.nullable().safeParse(body ?? null);
      if (!parsed.success) return bad(`Invalid chaos: ${issue(parsed.error)}`);
      return write(res, { status: 200, body: { provider, chaos: vendors.plan(provider).setChaos(parsed.data) } });
    }
    case 'GET /_simulator/stats':
      return write(res, { status: 200, body: { provider, ...vendors.plan(provider).stats() } });
    case 'POST /_simulator/reset':
      vendors.reset();
      log.clear();
      return write(res, { status: 200, body: { reset: true } });
    case 'GET /_simulator/requests':
      return write(res, { status: 200, body: { data: log.list() } });
    case 'GET /_simulator/health':
      return write(res, { status: 200, body: { ok: true, vendors: VENDORS.map((v) => v.name) } });
    default:
      return write(res, DEFAULT_VENDOR.error(404, `No route ${route}.`));
  }
}

function handler(vendors: Vendors, log: RequestLog) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://simulator');
    try {
      const raw = await readBody(req);
      if (url.pathname.startsWith('/_simulator/')) return await admin(req, res, url, raw, vendors, log);
      await serveProvider(req, res, url, raw, vendors, log);
    } catch (error) {
      if (res.headersSent || res.destroyed) return;
      const { vendor } = route(url.pathname);
      if (error instanceof BodyTooLarge) return void (await write(res, vendor.error(413, 'Request body too large.')));
      await write(res, vendor.error(500, `Simulator error: ${(error as Error).message}`));
    }
  };
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/**
 * Starts an HTTP server speaking each upstream vendor's wire format, each mounted at
 * `/<vendor>` with its own latency and fault queue, controllable in-process (the returned
 * handle) or over HTTP (`/_simulator/*?provider=<vendor>`), so a simulator in another
 * process can be driven the same way.
 */
export async function startSimulator(options: StartSimulatorOptions = {}): Promise<Simulator> {
  const { port = 0, host = '127.0.0.1', tokenMs = 0 } = options;
  const vendors = new Vendors(tokenMs);
  const log = new RequestLog(1000);
  const server = createServer({ keepAlive: true }, handler(vendors, log));
  // Outlive clients' pooled sockets (undici keeps them 4 s) so reuse never races a close.
  server.keepAliveTimeout = 10_000;
  // WebSocket handshakes (OpenAI's realtime sessions): upgraded sockets are the server's no
  // more, so they are kept here to be closed with it.
  const upgraded = new Set<Duplex>();
  const onUpgrade = realtimeUpgrade({
    route,
    plan: (name) => vendors.plan(name),
    record: (provider, req, url) =>
      log.record({
        provider,
        method: 'GET',
        path: url.pathname,
        query: queryParams(url.searchParams),
        headers: redactHeaders(req.headers),
        body: '',
        at: Date.now(),
      }),
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    void onUpgrade(req, socket, head);
  });
  const address = await listen(server, port, host);
  const advertised = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${advertised}:${address.port}`;
  const known = (provider: string) => {
    const vendor = byName.get(provider);
    if (!vendor) throw new Error(`The simulator has no vendor '${provider}'`);
    return vendor;
  };

  return {
    url,
    baseUrl: `${url}/v1`,
    port: address.port,
    baseUrlFor: (provider) => `${url}/${provider}${known(provider).basePath}`,
    enqueueFaults: (faults, provider = DEFAULT_VENDOR.name) => void vendors.plan(known(provider).name).enqueue(faults),
    setLatency: (latency, provider = DEFAULT_VENDOR.name) => void vendors.plan(known(provider).name).setLatency(latency),
    setChaos: (chaos, provider = DEFAULT_VENDOR.name) => void vendors.plan(known(provider).name).setChaos(chaos),
    stats: (provider = DEFAULT_VENDOR.name) => vendors.plan(known(provider).name).stats(),
    reset: () => {
      vendors.reset();
      log.clear();
    },
    requests: (provider) => log.list().filter((r) => provider === undefined || r.provider === provider),
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Hung requests would otherwise keep the server open for ever.
        server.closeAllConnections();
        for (const socket of upgraded) socket.destroy();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
