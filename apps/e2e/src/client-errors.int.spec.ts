import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupPrefix, startStack, testConfig, type TestStack, jsonLogLines } from '@voxq/testing';

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function parseAnswer(text: string): RawAnswer {
  const [head = '', body = ''] = text.split('\r\n\r\n', 2);
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}

/**
 * Writes each of `requests` on one socket, the next once the answer to the one before is
 * whole (by its Content-Length), and reads until the server closes the socket: the last
 * answer only ends when the socket does.
 */
function sendRaw(url: string, ...requests: string[]): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    let received = '';
    let pending = [...requests];
    const writeNextIfAnswered = () => {
      const answered =
        received.includes('\r\n\r\n') && Buffer.byteLength(parseAnswer(received).body) >= Number(parseAnswer(received).headers['content-length']);
      if (pending.length > 0 && answered) {
        received = '';
        socket.write(pending[0]!);
        pending = pending.slice(1);
      }
    };
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
      writeNextIfAnswered();
    });
    socket.on('error', reject);
    socket.on('end', () => resolve(parseAnswer(received)));
    socket.write(pending.shift()!);
  });
}

/**
 * Requests Node's HTTP parser refuses before any route sees them. Node's own answer is a bare
 * `400 Bad Request`; voxq's carries its envelope and an `X-Request-Id`, and closes the socket
 * (each answer above is read to the socket's end).
 */
describe("requests Node's HTTP parser refuses", () => {
  let stack: TestStack;
  let apiKey: string;
  const { destination: logs, lines } = jsonLogLines();

  beforeAll(async () => {
    stack = await startStack(testConfig({ LOG_LEVEL: 'warn' }), { worker: false, dispatcher: false, logDestination: logs });
    apiKey = (await stack.createKey('client-errors')).apiKey;
  });

  afterAll(async () => {
    await stack?.close();
    if (stack) await cleanupPrefix(stack.config);
  });

  const secret = 'x-secret-pad-'.repeat(2000);
  const cases = [
    {
      name: 'a header over the size limit',
      bytes: () => `GET /v1/jobs HTTP/1.1\r\nHost: voxq\r\nAuthorization: Bearer ${apiKey}\r\nX-Pad: ${secret}\r\n\r\n`,
      status: 431,
      code: 'headers_too_large',
    },
    { name: 'a malformed request line', bytes: () => 'GET /v1/jobs HTTP/1.1 trailing words\r\nHost: voxq\r\n\r\n', status: 400, code: 'malformed_request' },
    { name: 'a header line without a colon', bytes: () => 'GET /v1/jobs HTTP/1.1\r\nHost voxq\r\n\r\n', status: 400, code: 'malformed_request' },
    {
      name: 'a chunk size that is not hex',
      // A key, so the route waits on Redis and the parser reaches the body first.
      bytes: () =>
        `POST /v1/jobs HTTP/1.1\r\nHost: voxq\r\nAuthorization: Bearer ${apiKey}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`,
      status: 400,
      code: 'malformed_request',
    },
    {
      name: 'Transfer-Encoding together with Content-Length (smuggling)',
      bytes: () =>
        `POST /v1/jobs HTTP/1.1\r\nHost: voxq\r\nAuthorization: Bearer ${apiKey}\r\nContent-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /v1/jobs HTTP/1.1\r\nHost: voxq\r\n\r\n`,
      status: 400,
      code: 'malformed_request',
    },
    {
      name: 'a space before the colon of Transfer-Encoding (smuggling)',
      bytes: () => `POST /v1/jobs HTTP/1.1\r\nHost: voxq\r\nContent-Length: 5\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n`,
      status: 400,
      code: 'malformed_request',
    },
    {
      name: 'a Transfer-Encoding that does not end in chunked (smuggling)',
      bytes: () => `POST /v1/jobs HTTP/1.1\r\nHost: voxq\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n`,
      status: 400,
      code: 'malformed_request',
    },
    {
      name: 'two Content-Length headers that disagree',
      bytes: () => `POST /v1/jobs HTTP/1.1\r\nHost: voxq\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}`,
      status: 400,
      code: 'malformed_request',
    },
  ];

  it.each(cases)('$name → $status in the envelope, with a request id, socket closed', async (c) => {
    const answer = await sendRaw(stack.url, c.bytes());
    expect(answer.status, answer.body).toBe(c.status);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(answer.headers['x-request-id']).toMatch(/^req_[\w-]+$/);
    expect(answer.headers.connection).toBe('close');
    expect(JSON.parse(answer.body)).toEqual({ error: { type: 'invalid_request_error', code: c.code, message: expect.any(String), param: null } });
    // One warn line per refusal, naming the request id and the parser's code, never the bytes sent.
    const logged = lines.find((line) => line.reqId === answer.headers['x-request-id']);
    expect(logged).toMatchObject({ msg: 'request refused by the HTTP parser', code: expect.any(String) });
    expect(JSON.stringify(lines)).not.toContain('x-secret-pad');
    expect(JSON.stringify(lines)).not.toContain(apiKey);
  });

  it('logs one line per refused connection, even when the client sends on after the answer', async () => {
    const refusedLines = () => lines.filter((line) => line.msg === 'request refused by the HTTP parser').length;
    const before = refusedLines();
    // fetch keeps writing its 64 KiB header after the answer has gone: it must still read a 431.
    const res = await fetch(`${stack.url}/v1/jobs`, { headers: { authorization: `Bearer ${apiKey}`, 'x-pad': 'x'.repeat(64 * 1024) } });
    expect(res.status).toBe(431);
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
    expect(await res.json()).toMatchObject({ error: { code: 'headers_too_large' } });
    expect(refusedLines()).toBe(before + 1);
  });

  it('answers a malformed request after a good one on the same keep-alive connection', async () => {
    const answer = await sendRaw(stack.url, 'GET /healthz HTTP/1.1\r\nHost: voxq\r\n\r\n', 'GET /healthz HTTP/1.1 junk\r\nHost: voxq\r\n\r\n');
    expect(answer.status, answer.body).toBe(400);
    expect(answer.headers['x-request-id']).toMatch(/^req_/);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'malformed_request' } });
  });
});
