import { randomBytes } from 'node:crypto';

export interface MultipartFile {
  /** The form field, e.g. `file`. */
  field: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

/** Text fields by name; a list repeats the field (`timestamp_granularities[]`). */
export type MultipartFields = Readonly<Record<string, string | readonly string[]>>;

export interface MultipartBody {
  body: Buffer;
  /** `multipart/form-data; boundary=…`, for the request's Content-Type. */
  contentType: string;
}

/** Quotes a name or filename as the WHATWG form encoder does: `"`, CR and LF percent-encoded. */
const quoted = (value: string) => `"${value.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}"`;

/**
 * Encodes text fields and one file as multipart/form-data (RFC 7578) into a single buffer.
 * Building it by hand costs one copy of the audio, where a FormData/Blob body streams it
 * through several layers; the random boundary cannot plausibly occur in the data.
 */
export function encodeMultipart(fields: MultipartFields, file: MultipartFile): MultipartBody {
  const boundary = `voxq-${randomBytes(16).toString('hex')}`;
  let head = '';
  for (const [name, values] of Object.entries(fields)) {
    for (const value of typeof values === 'string' ? [values] : values) {
      head += `--${boundary}\r\nContent-Disposition: form-data; name=${quoted(name)}\r\n\r\n${value}\r\n`;
    }
  }
  head +=
    `--${boundary}\r\nContent-Disposition: form-data; name=${quoted(file.field)}; filename=${quoted(file.filename)}\r\n` +
    `Content-Type: ${file.contentType}\r\n\r\n`;
  return {
    body: Buffer.concat([Buffer.from(head, 'utf8'), file.data, Buffer.from(`\r\n--${boundary}--\r\n`, 'ascii')]),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}
