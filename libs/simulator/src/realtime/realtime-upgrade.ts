import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocketServer } from 'ws';
import type { FaultPlan } from '../faults';
import type { SimRequest, SimResponse, SimVendor } from '../vendor';
import { SimRealtimeSession } from './realtime-session';

/** What the upgrade handler needs of the server: where a path goes, each vendor's plan, the log. */
export interface RealtimeUpgradeDeps {
  route(path: string): { vendor: SimVendor; rest: string };
  plan(vendor: string): FaultPlan;
  record(vendor: string, req: IncomingMessage, url: URL): void;
}

/** An HTTP answer written on the raw socket instead of upgrading it: how a vendor refuses a handshake. */
function refuse(socket: Duplex, response: SimResponse): void {
  const body = Buffer.from(typeof response.body === 'string' ? response.body : JSON.stringify(response.body));
  const headers = { 'content-type': 'application/json', ...response.headers, 'content-length': String(body.length), connection: 'close' };
  const head = [`HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? ''}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  socket.end(Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`), body]));
}

/**
 * The simulator's WebSocket handshakes: a vendor with a realtime path (OpenAI's
 * `/v1/realtime?model=…`) upgrades after its key check and opens a `SimRealtimeSession`. The
 * vendor's latency and queued faults apply as to its HTTP routes, so failover can be tested:
 * `status` refuses the handshake with that answer, `reset` drops the socket, `hang` never
 * answers, `malformed` upgrades but sends garbage instead of `session.created`, `slowMs`
 * delays `session.created`, and `cut` drops the open session after its first delta.
 */
export function realtimeUpgrade(deps: RealtimeUpgradeDeps) {
  const wss = new WebSocketServer({ noServer: true });
  return async (req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://simulator');
    const { vendor, rest } = deps.route(url.pathname);
    deps.record(vendor.name, req, url);
    const plan = deps.plan(vendor.name);
    plan.maxInFlight = Math.max(plan.maxInFlight, ++plan.inFlight);
    socket.once('close', () => plan.inFlight--);
    const delay = plan.delayMs();
    if (delay > 0) await sleep(delay);
    const fault = plan.next();
    if (fault && 'hang' in fault) return;
    if (fault && 'reset' in fault) return void socket.destroy();
    if (fault && 'status' in fault)
      return refuse(socket, vendor.error(fault.status, fault.message ?? `Simulated HTTP ${fault.status}.`, fault.retryAfterSeconds));
    if (!vendor.realtime?.test(rest)) return refuse(socket, vendor.error(404, `Invalid URL (GET ${url.pathname})`));
    const simReq: SimRequest = {
      method: 'GET',
      path: rest,
      params: {},
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.alloc(0),
      json: () => undefined,
    };
    const denied = vendor.authenticate(simReq);
    if (denied) return refuse(socket, denied);
    const model = url.searchParams.get('model');
    if (!model) return refuse(socket, vendor.error(400, "Missing required parameter: 'model'."));
    wss.handleUpgrade(req, socket, head, async (ws) => {
      if (fault && 'malformed' in fault) return ws.send('{"type":"session.cre', () => ws.close(1011));
      if (fault && 'slowMs' in fault) await sleep(fault.slowMs);
      new SimRealtimeSession(ws, { model, paceMs: () => plan.tokenMs(), cutAfterFirstDelta: fault !== undefined && 'cut' in fault });
    });
  };
}
