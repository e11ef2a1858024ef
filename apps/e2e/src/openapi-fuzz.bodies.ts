import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { sineWav } from '@voxq/testing';
import type { OperationContext, Tweak } from './openapi-fuzz.request';
import { jsonBodyMutations, RawJson, type JsonSchema } from './openapi-fuzz.schema';

/** Mutations of one JSON schema beyond this many are a seeded sample (the whole-body ones are always kept). */
const MAX_JSON_MUTATIONS = 50;

const wav = sineWav(0.05);
const jsonl = Buffer.from(
  `${JSON.stringify({ custom_id: 'a', method: 'POST', url: '/v1/chat/completions', body: { messages: [{ role: 'user', content: 'hi' }] } })}\n`,
);

export const isJsonType = (type: string) => type === 'application/json';
const isMultipart = (type: string) => type === 'multipart/form-data';
/** `audio/*` in the document: a concrete type a client would send. */
const concreteType = (type: string) => (type.endsWith('/*') ? `${type.slice(0, -2)}/${type.startsWith('audio') ? 'wav' : 'mp4'}` : type);

const toBytes = (value: unknown) => Buffer.from(value instanceof RawJson ? value.text : (JSON.stringify(value) ?? 'null'));

/** The example the document gives, or one built from the schema. */
export function validJsonOf(ctx: Pick<OperationContext, 'reader'>, media: { schema?: JsonSchema; examples?: Record<string, { value?: unknown }> }): unknown {
  const example = Object.values(media.examples ?? {})[0]?.value;
  return example ?? ctx.reader.exampleOf(media.schema);
}

interface Part {
  name: string;
  value: Buffer;
  filename?: string;
  type?: string;
}

function multipartBytes(parts: Part[], boundary: string, eol = '\r\n', close = true): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const file = part.filename === undefined ? '' : `; filename="${part.filename}"`;
    const type = part.type ? `${eol}Content-Type: ${part.type}` : '';
    chunks.push(Buffer.from(`--${boundary}${eol}Content-Disposition: form-data; name="${part.name}"${file}${type}${eol}${eol}`), part.value, Buffer.from(eol));
  }
  if (close) chunks.push(Buffer.from(`--${boundary}--${eol}`));
  return Buffer.concat(chunks);
}

/** The form's valid parts: a file for each binary field (JSONL or WAV by its media type), the first allowed value for the rest. */
export function validPartsOf(ctx: Pick<OperationContext, 'reader'>, schema: JsonSchema | undefined): Part[] {
  const { props, required } = ctx.reader.properties(schema);
  return required.map((name) => {
    const prop = ctx.reader.resolve(props[name]);
    const media = prop['contentMediaType'];
    if (typeof media === 'string') {
      const isJsonl = media.includes('jsonl');
      return { name, value: isJsonl ? jsonl : wav, filename: isJsonl ? 'in.jsonl' : 'a.wav', type: isJsonl ? 'application/jsonl' : 'audio/wav' };
    }
    return { name, value: Buffer.from(String(ctx.reader.exampleOf(prop))) };
  });
}

export function multipartBody(parts: Part[], rng: OperationContext['rng']): { contentType: string; body: Buffer } {
  const boundary = `fuzz${rng.int(1e9)}`;
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: multipartBytes(parts, boundary) };
}

function jsonCases(ctx: OperationContext, media: { schema?: JsonSchema; examples?: Record<string, { value?: unknown }> }): Tweak[] {
  const valid = validJsonOf(ctx, media);
  const all = jsonBodyMutations(ctx.reader, media.schema, valid, ctx.limits.json, { junk: () => ctx.rng.json() });
  const wholeBody = all.filter((m) => m.field === undefined);
  const perField = ctx.rng.subset(
    all.filter((m) => m.field !== undefined),
    MAX_JSON_MUTATIONS - wholeBody.length,
  );
  const json = (mutation: string, body: Buffer, contentType = 'application/json'): Tweak => ({
    group: 'body',
    mutation,
    body,
    headers: [['content-type', contentType]],
  });
  const text = JSON.stringify(valid);
  return [
    ...[...perField, ...wholeBody].map((m) => json(m.label, toBytes(m.value))),
    ...['{', '{"a":}', '{"a":1,}', "{'a':1}", '{"a":NaN}', `${text}garbage`, '\u0000'].map((t) => json(`invalid JSON ${JSON.stringify(t)}`, Buffer.from(t))),
    json('empty body', Buffer.alloc(0)),
    json('a UTF-8 BOM before the JSON', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])),
    json('invalid UTF-8 inside a string', Buffer.from(text.replace(/"([^"]*)"/, '"\xff\xfe$1"'), 'latin1')),
    json('text/plain', Buffer.from(text), 'text/plain'),
    json('form-urlencoded', Buffer.from('a=1&b=2'), 'application/x-www-form-urlencoded'),
    json('application/xml', Buffer.from('<a>1</a>'), 'application/xml'),
    json('multipart without a boundary', Buffer.from(text), 'multipart/form-data'),
    json('a malformed content type', Buffer.from(text), 'application/'),
    json('a content type with junk parameters', Buffer.from(text), 'application/json; ;;=; charset'),
    json('charset utf-16le', Buffer.from(text, 'utf16le'), 'application/json; charset=utf-16le'),
    json('charset iso-8859-1', Buffer.from(text.replace(/"([^"]*)"/, '"é$1"'), 'latin1'), 'application/json; charset=iso-8859-1'),
    json('charset koi8-r', Buffer.from(text), 'application/json; charset=koi8-r'),
    json('an unknown charset', Buffer.from(text), 'application/json; charset=no-such-charset'),
    { group: 'body', mutation: 'no content type', body: Buffer.from(text), headers: [] },
  ];
}

function binaryCases(ctx: OperationContext, type: string): Tweak[] {
  const sent = concreteType(type);
  const bin = (mutation: string, body: Buffer, contentType = sent): Tweak => ({
    group: 'body',
    mutation: `${type}: ${mutation}`,
    body,
    headers: [['content-type', contentType]],
  });
  return [
    bin('random bytes', ctx.rng.bytes(512)),
    bin('a RIFF header cut short', wav.subarray(0, 10)),
    bin('a WAV header with a huge data length', Buffer.concat([wav.subarray(0, 40), Buffer.from([0xff, 0xff, 0xff, 0x7f]), wav.subarray(44, 200)])),
    bin('empty body', Buffer.alloc(0)),
    bin('a JSON body', Buffer.from('{"type":"transcribe"}')),
    bin('over the size limit', Buffer.alloc(ctx.limits.audio * 2, 7)),
    bin('a malformed media type', wav, `${sent.split('/')[0]}/`),
    bin('a charset on audio', wav, `${sent}; charset=koi8-r`),
    bin('text/html', wav, 'text/html'),
  ];
}

function multipartCases(ctx: OperationContext, schema: JsonSchema | undefined): Tweak[] {
  const parts = validPartsOf(ctx, schema);
  const { props } = ctx.reader.properties(schema);
  const boundary = `fuzz${ctx.rng.int(1e9)}`;
  const form = (mutation: string, body: Buffer, contentType = `multipart/form-data; boundary=${boundary}`): Tweak => ({
    group: 'body',
    mutation: `multipart: ${mutation}`,
    body,
    headers: [['content-type', contentType]],
  });
  const valid = multipartBytes(parts, boundary);
  const cases: Tweak[] = [
    form('no boundary parameter', valid, 'multipart/form-data'),
    form('a boundary the body does not use', valid, 'multipart/form-data; boundary=other'),
    form('no closing delimiter', multipartBytes(parts, boundary, '\r\n', false)),
    form('LF line endings', multipartBytes(parts, boundary, '\n')),
    form('a part without headers', Buffer.from(`--${boundary}\r\n\r\nlonely\r\n--${boundary}--\r\n`)),
    form('a 200-character boundary', multipartBytes(parts, 'b'.repeat(200)), `multipart/form-data; boundary=${'b'.repeat(200)}`),
    form('garbage instead of parts', ctx.rng.bytes(300)),
    form('empty body', Buffer.alloc(0)),
    form('cut in the middle', valid.subarray(0, Math.floor(valid.length / 2))),
    form('every part twice', multipartBytes([...parts, ...parts], boundary)),
    form(
      'a file where a text field goes',
      multipartBytes(
        parts.map((p) => ({ ...p, filename: p.filename ?? 'x.txt' })),
        boundary,
      ),
    ),
    form(
      'text where the file goes',
      multipartBytes(
        parts.map((p) => ({ name: p.name, value: Buffer.from('plain text') })),
        boundary,
      ),
    ),
    form(
      'a filename with ../',
      multipartBytes(
        parts.map((p) => (p.filename ? { ...p, filename: '../../etc/passwd' } : p)),
        boundary,
      ),
    ),
    form(
      'random bytes as the file',
      multipartBytes(
        parts.map((p) => (p.filename ? { ...p, value: ctx.rng.bytes(256) } : p)),
        boundary,
      ),
    ),
    form('a JSON body labelled multipart', Buffer.from('{"a":1}')),
  ];
  for (const part of parts)
    cases.push(
      form(
        `drop required ${part.name}`,
        multipartBytes(
          parts.filter((p) => p !== part),
          boundary,
        ),
      ),
    );
  for (const [name, prop] of Object.entries(props)) {
    const type = ctx.reader.typeOf(prop);
    const value = type === 'integer' || type === 'number' ? 'not a number' : type === 'array' ? '{"not":"array"}' : 'x'.repeat(ctx.limits.json);
    cases.push(form(`bad ${name}`, multipartBytes([...parts.filter((p) => p.name !== name), { name, value: Buffer.from(value) }], boundary)));
  }
  return cases;
}

/** Malformed bodies for each content type the operation's request body lists. */
export function bodyCases(ctx: OperationContext): Tweak[] {
  const content = ctx.operation.requestBody?.content;
  if (!content) {
    // A route that takes no body must still not choke on one.
    return [
      { group: 'body', mutation: 'an unexpected JSON body', body: Buffer.from('{"a":1}'), headers: [['content-type', 'application/json']] },
      { group: 'body', mutation: 'an unexpected invalid JSON body', body: Buffer.from('{"a":'), headers: [['content-type', 'application/json']] },
      { group: 'body', mutation: 'an unexpected binary body', body: ctx.rng.bytes(64), headers: [['content-type', 'application/octet-stream']] },
    ];
  }
  return Object.entries(content).flatMap(([type, media]) =>
    isJsonType(type) ? jsonCases(ctx, media) : isMultipart(type) ? multipartCases(ctx, media.schema) : binaryCases(ctx, type),
  );
}

/** Bodies whose `Content-Encoding` does not hold, and one that decompresses into something invalid. */
export function encodingCases(ctx: OperationContext): Tweak[] {
  const valid = ctx.validBody ?? { contentType: 'application/json', body: Buffer.from('{"a":1}') };
  const enc = (mutation: string, encoding: string, body: Buffer, contentType = valid.contentType): Tweak => ({
    group: 'encoding',
    mutation,
    body,
    headers: [
      ['content-type', contentType],
      ['content-encoding', encoding],
    ],
  });
  const gz = gzipSync(valid.body);
  return [
    enc('gzip that is not gzip', 'gzip', Buffer.from('this is not gzip at all')),
    enc('gzip cut short', 'gzip', gz.subarray(0, gz.length - 12)),
    enc('deflate that is not deflate', 'deflate', Buffer.from('this is not deflate')),
    enc('br that is not brotli', 'br', Buffer.from('\xff\xff this is not brotli', 'latin1')),
    enc('an unknown encoding', 'x-fuzz-unknown', valid.body),
    enc('two encodings, neither applied', 'gzip, br', valid.body),
    enc('gzip with an empty body', 'gzip', Buffer.alloc(0)),
    enc('valid gzip of invalid JSON', 'gzip', gzipSync('{"oops":'), 'application/json'),
    enc('valid deflate of random bytes', 'deflate', deflateSync(ctx.rng.bytes(256))),
    enc('valid brotli of the valid body', 'br', brotliCompressSync(valid.body)),
    enc('gzip that inflates past the limit', 'gzip', gzipSync(Buffer.alloc(ctx.limits.audio * 64, 0x20))),
    enc('gzip of the valid body, twice', 'gzip, gzip', gzipSync(gz)),
  ];
}
