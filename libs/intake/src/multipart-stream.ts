import { PassThrough, type Readable } from 'node:stream';
import { once } from 'node:events';
import { errors } from '@voxq/errors';

export interface FilePart {
  field: string;
  filename: string;
  contentType: string;
  body: Readable;
}

const MAX_HEADER_BYTES = 16_384;
const MAX_FIELD_BYTES = 65_536;

/** The boundary of a `multipart/form-data` Content-Type, or null. */
export function boundaryOf(contentType: string | undefined): string | null {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  return match ? (match[1] ?? match[2] ?? null) : null;
}

/**
 * A streaming `multipart/form-data` reader: text fields are collected (small), each file part
 * is handed to `onFile` as a stream while the request is still arriving, so no file is held
 * whole in memory. Resolves with the text fields once the body and every `onFile` are done.
 */
export async function readMultipart(
  source: AsyncIterable<Buffer>,
  boundary: string,
  onFile: (part: FilePart) => Promise<void>,
): Promise<Record<string, string>> {
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const fields: Record<string, string> = {};
  const pending: Promise<void>[] = [];
  // A leading CRLF lets the first boundary match the same delimiter as the others.
  let buf: Buffer = Buffer.from('\r\n');
  let state = 'preamble' as 'preamble' | 'after' | 'headers' | 'body' | 'done';
  let sink: PassThrough | null = null;
  let field: { name: string; chunks: Buffer[]; size: number } | null = null;

  const emit = async (data: Buffer) => {
    if (data.length === 0) return;
    if (sink) {
      if (!sink.write(data)) await Promise.race([once(sink, 'drain'), once(sink, 'close')]);
    } else if (field) {
      field.size += data.length;
      if (field.size > MAX_FIELD_BYTES) throw errors.payloadTooLarge(`Form field '${field.name}' is too large.`);
      field.chunks.push(data);
    }
  };
  const endPart = () => {
    if (sink) sink.end();
    if (field) fields[field.name] = Buffer.concat(field.chunks).toString('utf8');
    sink = null;
    field = null;
  };

  const bad = () => errors.invalidRequest('The multipart body could not be parsed.', 'file');
  try {
    for await (const chunk of source) {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      for (;;) {
        if (state === 'preamble' || state === 'body') {
          const at = buf.indexOf(delimiter);
          if (at === -1) {
            const keep = Math.min(buf.length, delimiter.length - 1);
            if (state === 'body') await emit(buf.subarray(0, buf.length - keep));
            buf = buf.subarray(buf.length - keep);
            break;
          }
          if (state === 'body') {
            await emit(buf.subarray(0, at));
            endPart();
          }
          buf = buf.subarray(at + delimiter.length);
          state = 'after';
        }
        if (state === 'after') {
          if (buf.length < 2) break;
          const tail = buf.subarray(0, 2).toString('latin1');
          if (tail === '--') {
            state = 'done';
            break;
          }
          if (tail !== '\r\n') throw bad();
          buf = buf.subarray(2);
          state = 'headers';
        }
        if (state === 'headers') {
          const end = buf.indexOf('\r\n\r\n');
          if (end === -1) {
            if (buf.length > MAX_HEADER_BYTES) throw bad();
            break;
          }
          const headers = buf.subarray(0, end).toString('utf8');
          buf = buf.subarray(end + 4);
          const disposition = /content-disposition:([^\r\n]*)/i.exec(headers)?.[1] ?? '';
          const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
          if (name === undefined) throw bad();
          const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
          if (filename !== undefined) {
            const body = new PassThrough();
            sink = body;
            const contentType = /content-type:\s*([^\r\n]*)/i.exec(headers)?.[1]?.trim() || 'application/octet-stream';
            const done = onFile({ field: name, filename, contentType, body });
            // Keep reading while the consumer runs; an early failure surfaces at the end.
            done.catch(() => body.resume());
            pending.push(done);
          } else field = { name, chunks: [], size: 0 };
          state = 'body';
        }
      }
      if (state === 'done') break;
    }
  } catch (error) {
    (sink as PassThrough | null)?.destroy(error as Error);
    await Promise.allSettled(pending);
    throw error;
  }
  if (state !== 'done') {
    (sink as PassThrough | null)?.destroy(bad());
    await Promise.allSettled(pending);
    throw bad();
  }
  await Promise.all(pending);
  return fields;
}
