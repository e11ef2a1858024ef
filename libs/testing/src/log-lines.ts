import { PassThrough, type Readable } from 'node:stream';

/** Calls `onLine` with each line `stream` writes, as it completes (a last line without '\n' at the end). */
export function eachLine(stream: Readable, onLine: (line: string) => void): void {
  let partial = '';
  stream.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    parts.forEach(onLine);
  });
  stream.on('end', () => partial && onLine(partial));
}

/** A stack's `logDestination` that keeps every JSON log line written to it, parsed, in order. */
export function jsonLogLines<T = Record<string, unknown>>(): { destination: PassThrough; lines: T[] } {
  const destination = new PassThrough();
  const lines: T[] = [];
  eachLine(destination, (line) => {
    if (line.trim()) lines.push(JSON.parse(line) as T);
  });
  return { destination, lines };
}
