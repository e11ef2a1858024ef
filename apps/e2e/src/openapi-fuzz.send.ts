import { connect } from 'node:net';
import { Agent, request } from 'undici';
import type { FuzzRequest } from './openapi-fuzz.request';

export interface FuzzAnswer {
  status: number;
  /** Lower-case names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  body: Buffer;
}

/** An answer still streaming after this long is read no further (a 2xx SSE stream on a job nothing runs). */
const READ_MS = 5_000;

const isStream = (headers: Record<string, string>) => (headers['content-type'] ?? '').startsWith('text/event-stream');

function flatHeaders(r: FuzzRequest, apiKey: string): string[] {
  const all: [string, string][] = r.auth ? [['authorization', `Bearer ${apiKey}`], ...r.headers] : r.headers;
  return all.flat();
}

/** Sends `r` with undici: duplicate headers stay separate, the body's length is `Content-Length`. */
async function sendWithClient(baseUrl: string, r: FuzzRequest, apiKey: string, dispatcher: Agent): Promise<FuzzAnswer> {
  const res = await request(`${baseUrl}${r.target}`, {
    method: r.method as 'GET',
    headers: flatHeaders(r, apiKey),
    ...(r.body === undefined ? {} : { body: r.body }),
    dispatcher,
    headersTimeout: READ_MS,
    bodyTimeout: READ_MS,
  });
  const headers = Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v ?? '')]));
  if (isStream(headers) && res.statusCode < 300) {
    res.body.destroy();
    return { status: res.statusCode, headers, body: Buffer.alloc(0) };
  }
  return { status: res.statusCode, headers, body: Buffer.from(await res.body.arrayBuffer()) };
}

function decodeChunked(bytes: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  while (at < bytes.length) {
    const eol = bytes.indexOf('\r\n', at);
    if (eol < 0) break;
    const size = parseInt(bytes.subarray(at, eol).toString(), 16);
    if (!size) break;
    out.push(bytes.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}

/** Parses the first HTTP answer in `bytes` (undefined while its head is incomplete). */
export function parseRawAnswer(bytes: Buffer): FuzzAnswer | undefined {
  const end = bytes.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine = '', ...lines] = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const name = line.slice(0, line.indexOf(':')).trim().toLowerCase();
    const value = line.slice(line.indexOf(':') + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  const rest = bytes.subarray(end + 4);
  const length = headers['content-length'];
  const body = headers['transfer-encoding'] === 'chunked' ? decodeChunked(rest) : length === undefined ? rest : rest.subarray(0, Number(length));
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}

/**
 * Writes `r` byte for byte (`Connection: close`, no `Content-Length` added) and reads to the
 * socket's end. No half-close: Node's server aborts a request whose client ends its side first.
 */
function sendRaw(baseUrl: string, r: FuzzRequest, apiKey: string): Promise<FuzzAnswer> {
  const { hostname, port } = new URL(baseUrl);
  const pairs = flatHeaders(r, apiKey);
  const lines = [`${r.method} ${r.target} HTTP/1.1`, `Host: ${hostname}:${port}`, 'Connection: close'];
  for (let i = 0; i < pairs.length; i += 2) lines.push(`${pairs[i]}: ${pairs[i + 1]}`);
  // `latin1`: a header the case filled with raw bytes goes out as those bytes.
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const chunks: Buffer[] = [];
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      const answer = parseRawAnswer(Buffer.concat(chunks));
      if (answer) resolve(answer);
      else reject(new Error(`no answer (${Buffer.concat(chunks).length} bytes read)`));
    };
    const timer = setTimeout(finish, READ_MS);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      const answer = parseRawAnswer(Buffer.concat(chunks));
      if (answer && isStream(answer.headers) && answer.status < 300) finish();
    });
    socket.on('end', finish);
    socket.on('error', (error) => (chunks.length > 0 ? finish() : (clearTimeout(timer), reject(error))));
    socket.write(Buffer.concat([head, r.body ?? Buffer.alloc(0)]));
  });
}

/** Sends fuzz requests to one API: raw ones on a socket of their own, the rest through a small keep-alive pool. */
export class FuzzSender {
  private readonly agent = new Agent({ connections: 8, pipelining: 0 });

  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string,
  ) {}

  send(r: FuzzRequest): Promise<FuzzAnswer> {
    return r.raw ? sendRaw(this.baseUrl, r, this.apiKey) : sendWithClient(this.baseUrl, r, this.apiKey, this.agent);
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}
