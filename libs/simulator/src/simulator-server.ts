import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { buildReply, chatRequestSchema, chooseTools, completionBody, streamBody } from './chat-completion';
import { FaultPlan, faultSchema, latencySchema, type Fault, type Latency } from './faults';
import { RequestLog, redactHeaders, type RecordedRequest } from './request-log';

export interface StartSimulatorOptions {
  /** @defaultValue 0 (any free port) */
  port?: number;
  /** @defaultValue `'127.0.0.1'` */
  host?: string;
}

export interface Simulator {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `url + '/v1'`, what an OpenAI client takes as its base URL. */
  baseUrl: string;
  port: number;
  enqueueFaults(faults: readonly Fault[]): void;
  setLatency(latency: Latency): void;
  /** Clears queued faults, latency and recorded requests. */
  reset(): void;
  /** The recorded provider requests, oldest first (admin calls are not recorded). */
  requests(): RecordedRequest[];
  close(): Promise<void>;
}

/** The key that the simulator treats as revoked, to exercise upstream auth failures. */
export const INVALID_KEY = 'sk-sim-invalid';
const MAX_BODY_BYTES = 16 * 1024 * 1024;

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<string> {
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
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers });
  res.end(payload);
}

/** OpenAI's error envelope. */
function sendError(res: ServerResponse, status: number, message: string, type: string, code: string | null = null, headers: Record<string, string> = {}) {
  send(res, status, { error: { message, type, param: null, code } }, headers);
}

function issueMessage(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'invalid body';
}

function applyFault(fault: Fault, req: IncomingMessage, res: ServerResponse): void {
  if ('hang' in fault) return; // Leave the response open: the client has to give up.
  if ('reset' in fault) {
    req.socket.destroy();
    return;
  }
  if ('malformed' in fault) {
    const broken = '{"id":"chatcmpl-malformed","object":"chat.completion","choices":[{"index":0,"message":';
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(broken) });
    res.end(broken);
    return;
  }
  const retryAfter: Record<string, string> = fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) };
  if (fault.status === 429) {
    return sendError(res, 429, fault.message ?? 'Rate limit reached (simulated).', 'requests', 'rate_limit_exceeded', retryAfter);
  }
  const type = fault.status >= 500 ? 'server_error' : 'invalid_request_error';
  sendError(res, fault.status, fault.message ?? `Simulated HTTP ${fault.status}.`, type, null, retryAfter);
}

async function chatCompletions(req: IncomingMessage, res: ServerResponse, raw: string, plan: FaultPlan): Promise<void> {
  const delay = plan.delayMs();
  if (delay > 0) await sleep(delay);
  const fault = plan.next();
  if (fault) return applyFault(fault, req, res);

  const auth = req.headers.authorization ?? '';
  const key = /^Bearer\s+(\S+)$/i.exec(auth)?.[1];
  if (!key) {
    return sendError(res, 401, "You didn't provide an API key. Send `Authorization: Bearer <key>`.", 'invalid_request_error', null);
  }
  if (key === INVALID_KEY) return sendError(res, 401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key');

  const json = parseJson(raw);
  if (json === undefined) return sendError(res, 400, 'We could not parse the JSON body of your request.', 'invalid_request_error');
  const parsed = chatRequestSchema.safeParse(json);
  if (!parsed.success) return sendError(res, 400, `Invalid request: ${issueMessage(parsed.error)}`, 'invalid_request_error');

  const tools = chooseTools(parsed.data);
  if (!Array.isArray(tools)) {
    return sendError(res, 400, `tool_choice names '${tools.unknownTool}', which is not in tools.`, 'invalid_request_error');
  }
  const reply = buildReply(parsed.data, tools);
  if (!parsed.data.stream) return send(res, 200, completionBody(reply));
  const body = streamBody(reply, parsed.data.stream_options?.include_usage === true);
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  res.end(body);
}

async function admin(req: IncomingMessage, res: ServerResponse, path: string, raw: string, plan: FaultPlan, log: RequestLog) {
  const route = `${req.method} ${path}`;
  const body = parseJson(raw);
  switch (route) {
    case 'POST /_simulator/faults': {
      const parsed = z.array(faultSchema).safeParse(Array.isArray(body) ? body : [body]);
      if (!parsed.success) return sendError(res, 400, `Invalid faults: ${issueMessage(parsed.error)}`, 'invalid_request_error');
      return send(res, 200, { pending: plan.enqueue(parsed.data) });
    }
    case 'PUT /_simulator/latency': {
      const parsed = latencySchema.safeParse(body);
      if (!parsed.success) return sendError(res, 400, `Invalid latency: ${issueMessage(parsed.error)}`, 'invalid_request_error');
      return send(res, 200, plan.setLatency(parsed.data));
    }
    case 'POST /_simulator/reset':
      plan.reset();
      log.clear();
      return send(res, 200, { reset: true });
    case 'GET /_simulator/requests':
      return send(res, 200, { data: log.list() });
    case 'GET /_simulator/health':
      return send(res, 200, { ok: true, pendingFaults: plan.pending.length });
    default:
      return sendError(res, 404, `No route ${route}.`, 'invalid_request_error', 'unknown_url');
  }
}

function handler(plan: FaultPlan, log: RequestLog) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    try {
      const raw = await readBody(req);
      if (path.startsWith('/_simulator/')) return await admin(req, res, path, raw, plan, log);
      log.record({ method: req.method ?? 'GET', path, headers: redactHeaders(req.headers), body: parseJson(raw) ?? raw });
      if (req.method === 'POST' && path === '/v1/chat/completions') return await chatCompletions(req, res, raw, plan);
      sendError(res, 404, `Invalid URL (${req.method} ${path})`, 'invalid_request_error', 'unknown_url');
    } catch (error) {
      if (res.headersSent || res.destroyed) return;
      if (error instanceof BodyTooLarge) return sendError(res, 413, 'Request body too large.', 'invalid_request_error');
      sendError(res, 500, `Simulator error: ${(error as Error).message}`, 'server_error');
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
 * Starts an HTTP server speaking the OpenAI Chat Completions wire format, with faults and
 * latency controllable in-process (the returned handle) or over HTTP (`/_simulator/*`), so
 * a simulator in another process can be driven the same way.
 */
export async function startSimulator(options: StartSimulatorOptions = {}): Promise<Simulator> {
  const { port = 0, host = '127.0.0.1' } = options;
  const plan = new FaultPlan();
  const log = new RequestLog(1000);
  const server = createServer({ keepAlive: true }, handler(plan, log));
  // Outlive clients' pooled sockets (undici keeps them 4 s) so reuse never races a close.
  server.keepAliveTimeout = 10_000;
  const address = await listen(server, port, host);
  const advertised = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${advertised}:${address.port}`;

  return {
    url,
    baseUrl: `${url}/v1`,
    port: address.port,
    enqueueFaults: (faults) => void plan.enqueue(faults),
    setLatency: (latency) => void plan.setLatency(latency),
    reset: () => {
      plan.reset();
      log.clear();
    },
    requests: () => log.list(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Hung requests would otherwise keep the server open for ever.
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
