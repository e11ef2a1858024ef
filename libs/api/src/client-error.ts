import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { AppError, ERROR_CODES, errors } from '@voxq/errors';
import type { Logger } from '@voxq/logging';
import { envelope } from './middleware/error-handler';

const refusal = (code: 'headers_too_large' | 'request_timeout', message: string) =>
  new AppError({ code, ...ERROR_CODES[code], message, type: 'invalid_request_error' });

/** What Node's HTTP parser refused, as the error the client reads (Node's own status for each). */
export function clientErrorOf(code: string | undefined): AppError {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return refusal('headers_too_large', 'The request headers are larger than the server accepts.');
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return errors.payloadTooLarge('The chunk extensions are larger than the server accepts.');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return refusal('request_timeout', 'The request was not received in time.');
    default:
      return errors.invalidRequest(
        'The HTTP request is malformed (request line, headers or body framing), so it was not read.',
        undefined,
        'malformed_request',
      );
  }
}

/** How long a refused client may go on sending after the answer, so it reads the answer instead of a reset. */
const LINGER_MS = 2_000;

/**
 * The server's `clientError` handler. Node answers what its parser refuses (oversized or
 * malformed headers, bad chunked framing, `Transfer-Encoding` with `Content-Length`) with a
 * bare `400 Bad Request`; this writes the same status in voxq's envelope with an
 * `X-Request-Id`, then closes the socket: after a framing error nothing more on it can be
 * trusted to be a request boundary. The log line names the parser's code, never the bytes.
 */
export function answerClientError(logger: Logger) {
  return (error: Error & { code?: string }, socket: Duplex): void => {
    // Node's own rule: answer unless a response on this socket has already begun.
    const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) return void socket.destroy();
    const refused = clientErrorOf(error.code);
    const reqId = `req_${randomUUID()}`;
    logger.warn({ reqId, code: error.code, status: refused.status }, 'request refused by the HTTP parser');
    const body = JSON.stringify(envelope(refused));
    const head = [
      `HTTP/1.1 ${refused.status} ${STATUS_CODES[refused.status] ?? 'Bad Request'}`,
      'Content-Type: application/json; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(body)}`,
      `X-Request-Id: ${reqId}`,
      'X-Content-Type-Options: nosniff',
      'Cache-Control: no-store',
      'Connection: close',
    ];
    // Closing with the client's bytes unread makes the kernel send a reset, and a client still
    // writing (a 64 KiB header) loses the answer to it. So the parser lets go of the socket,
    // the rest is read and dropped, and the socket closes when the client stops or LINGER_MS on.
    socket.removeAllListeners('data');
    socket.removeAllListeners('end');
    socket.on('data', () => undefined);
    socket.once('end', () => socket.destroy());
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
    socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
  };
}
