/** One server-sent event: `event` is null for unnamed ones (SSE's default `message`). */
export interface ServerSentEvent {
  event: string | null;
  data: string;
}

/**
 * Reads a `text/event-stream` body event by event (comments such as keep-alives skipped).
 * Lines may end in LF, CR or CRLF and arrive split anywhere between chunks.
 */
export async function* readServerSentEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  let event: string | null = null;
  let data: string[] = [];
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      let newline: RegExpExecArray | null;
      // A trailing CR may be half of a CRLF still to come: wait for the next chunk unless done.
      while ((newline = /\r\n|\n|\r(?!$)/.exec(buffer)) || (done && (newline = /\r/.exec(buffer)))) {
        const line = buffer.slice(0, newline.index);
        buffer = buffer.slice(newline.index + newline[0].length);
        if (line === '') {
          if (data.length) yield { event, data: data.join('\n') };
          event = null;
          data = [];
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
      }
      if (done) {
        if (data.length) yield { event, data: data.join('\n') };
        return;
      }
    }
  } finally {
    // The stream may already be errored or closed (then cancel rejects); the loop's own error, if any, is the one to surface.
    await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
