import type { OperationContext, Tweak } from './openapi-fuzz.request';
import { jsonBodyMutations, RawJson, wrongTypeFor } from './openapi-fuzz.schema';

const TEN_K = 'a'.repeat(10_000);

/** Path parameter values as they go on the wire (already percent-encoded, or deliberately not). */
const PATH_VALUES: { label: string; value: string; raw?: boolean }[] = [
  { label: 'empty', value: '' },
  { label: 'a space', value: '%20' },
  { label: 'a lone %', value: '%' },
  { label: '%zz', value: '%zz' },
  { label: 'a NUL', value: '%00' },
  { label: 'a cut UTF-8 sequence', value: '%E0%A4%A' },
  { label: 'invalid UTF-8', value: '%C3%28' },
  { label: 'an encoded slash', value: 'a%2Fb' },
  { label: '..', value: '..' },
  { label: 'encoded ..', value: '%2e%2e' },
  { label: '../ twice', value: '..%2F..%2Fadmin' },
  { label: '10k characters', value: TEN_K },
  { label: 'unicode, encoded', value: encodeURIComponent('ジョブ🎙️') },
  { label: 'unicode, raw bytes', value: 'ジョブ', raw: true },
  { label: '__proto__', value: '__proto__' },
  { label: 'constructor', value: 'constructor' },
  { label: 'a colon verb', value: 'x:cancel' },
  // Characters with a meaning in Redis keys and SCAN patterns.
  { label: 'a glob', value: '*' },
  { label: 'a key separator and glob', value: 'x%3A*' },
  { label: 'braces and brackets', value: '%7Bx%7D%5Ba-z%5D' },
];

function fillPath(template: string, name: string, value: string, validPath: string): string {
  // Other parameters keep their valid values: only `name` is broken.
  const parts = template.split('/');
  const valid = validPath.split('/');
  return parts.map((part, i) => (part === `{${name}}` ? value : valid[i])).join('/');
}

export function pathCases(ctx: OperationContext): Tweak[] {
  const names = (ctx.operation.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
  return names.flatMap((name) => [
    ...PATH_VALUES.map((v) => ({
      group: 'path' as const,
      mutation: `${name}: ${v.label}`,
      target: fillPath(ctx.template, name, v.value, ctx.validPath),
      ...(v.raw ? { raw: true } : {}),
    })),
    { group: 'path' as const, mutation: `${name}: seeded junk`, target: fillPath(ctx.template, name, encodeURIComponent(ctx.rng.text(40)), ctx.validPath) },
  ]);
}

/** Values of the wrong type or out of the range a query parameter's schema allows. */
function badQueryValues(ctx: OperationContext, schema: Record<string, unknown> | undefined): string[] {
  const s = ctx.reader.resolve(schema);
  const type = ctx.reader.typeOf(s);
  const values = [String(wrongTypeFor(type)), '', '%zz', '%00', TEN_K, '*', 'x%3A*%5B%5D', encodeURIComponent(ctx.rng.text(30))];
  if (type === 'integer' || type === 'number') values.push('-1', '0', '1.5', '1e3', '99999999999999999999999', 'NaN', 'Infinity', '0x10');
  if (Array.isArray(s['enum'])) values.push('bogus', String(s['enum'][0]).toUpperCase());
  if (s['format'] === 'date-time' || /from|to/.test(String(s['description'] ?? ''))) values.push('2026-13-45', 'yesterday');
  return values;
}

export function queryCases(ctx: OperationContext): Tweak[] {
  const params = (ctx.operation.parameters ?? []).filter((p) => p.in === 'query');
  const q = (mutation: string, query: string): Tweak => ({ group: 'query', mutation, target: `${ctx.validPath}?${query}` });
  const cases: Tweak[] = [
    q('an unknown parameter', 'zzUnknown=1'),
    q('bracketed __proto__', '__proto__[polluted]=yes'),
    q('constructor', 'constructor=1&constructor[prototype][polluted]=yes'),
    q('a bare key and empty pairs', 'a&&=&=b'),
    q('percent junk in a name', '%zz=1&%=2'),
    q('10k of parameters', Array.from({ length: 800 }, (_, i) => `p${i}=${i}`).join('&')),
  ];
  for (const param of params) {
    const name = encodeURIComponent(param.name);
    for (const value of badQueryValues(ctx, param.schema)) {
      const shown = value.length > 20 ? `${value.slice(0, 10)}…` : value;
      cases.push(q(`${param.name}=${shown}`, `${name}=${value}`));
    }
    cases.push(q(`${param.name} twice`, `${name}=1&${name}=2`));
    cases.push(q(`${param.name} as an array`, `${name}[]=1&${name}[]=2`));
    cases.push(q(`${param.name} as an object`, `${name}[a]=1`));
  }
  return cases;
}

/** Non-ASCII as `\u` escapes: still the same JSON, and a valid header value. */
const asciiJson = (value: unknown) =>
  (JSON.stringify(value) ?? 'null').replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** The component a JSON header carries "in the same shape as the JSON body's field". */
const HEADER_COMPONENTS: [RegExp, string][] = [
  [/intent/, 'RoutingIntent'],
  [/constraints/, 'Constraints'],
  [/metadata/, 'Metadata'],
];

/** A JSON header's value broken field by field, from the component its name says it carries (a seeded sample). */
function schemaJsonHeaderValues(ctx: OperationContext, header: string): string[] {
  const component = HEADER_COMPONENTS.find(([pattern]) => pattern.test(header))?.[1];
  if (!component) return [];
  const schema = { $ref: `#/components/schemas/${component}` };
  const valid = ctx.reader.exampleOf(schema);
  const mutations = jsonBodyMutations(ctx.reader, schema, valid, 1024, { maxDepth: 1, junk: () => ctx.rng.json() });
  return ctx.rng.subset(mutations, 12).map((m) => (m.value instanceof RawJson ? m.value.text : asciiJson(m.value)));
}

/** Header parameters the document says carry JSON (`x-speko-intent`, `X-Voxq-Intent`, …). */
const isJsonHeader = (schema: Record<string, unknown> | undefined) => schema?.['contentMediaType'] === 'application/json';

export function headerCases(ctx: OperationContext, apiKey: string): Tweak[] {
  const valid = ctx.validBody;
  const withBody = (headers: [string, string][]): [string, string][] => (valid ? [['content-type', valid.contentType], ...headers] : headers);
  const h = (mutation: string, headers: [string, string][], extra: Partial<Tweak> = {}): Tweak => ({
    group: 'header',
    mutation,
    headers: withBody(headers),
    ...(valid ? { body: valid.body } : {}),
    ...extra,
  });
  const noKey = { auth: false };
  const cases: Tweak[] = [
    h('no Authorization', [], noKey),
    h('Bearer and nothing', [['authorization', 'Bearer']], noKey),
    h('Bearer and a space', [['authorization', 'Bearer ']], noKey),
    h('Basic credentials', [['authorization', 'Basic dXNlcjpwYXNz']], noKey),
    h('the key without a scheme', [['authorization', apiKey]], noKey),
    h('the key with a suffix', [['authorization', `Bearer ${apiKey}x`]], noKey),
    h('a key that does not exist', [['authorization', `Bearer vq_${'0'.repeat(40)}`]], noKey),
    h('a 10k key', [['authorization', `Bearer ${TEN_K}`]], noKey),
    h('two Bearer tokens in one header', [['authorization', `Bearer ${apiKey}, Bearer other`]], noKey),
    h(
      'two Authorization headers, the bad one second',
      [
        ['authorization', `Bearer ${apiKey}`],
        ['authorization', 'Bearer bogus'],
      ],
      noKey,
    ),
    h(
      'two Authorization headers, the bad one first',
      [
        ['authorization', 'Bearer bogus'],
        ['authorization', `Bearer ${apiKey}`],
      ],
      noKey,
    ),
    h('Latin-1 bytes in the key', [['authorization', 'Bearer vq_\xe9\xff']], { auth: false, raw: true }),
    h('a huge header value', [['x-fuzz-pad', 'p'.repeat(12_000)]]),
    h('headers over the limit', [['x-fuzz-pad', 'p'.repeat(20_000)]]),
    h(
      'many headers',
      Array.from({ length: 150 }, (_, i): [string, string] => [`x-fuzz-${i}`, String(i)]),
    ),
    h('Accept: application/xml', [['accept', 'application/xml']]),
    h('Accept: text/event-stream', [['accept', 'text/event-stream']]),
    h('Accept: malformed', [['accept', ';;q=bogus,,/']]),
    h('Accept: nothing acceptable', [['accept', '*/*;q=0']]),
    h('a malformed X-Request-Id', [['x-request-id', 'x'.repeat(5_000)]]),
    h('a control character in a header', [['x-fuzz', 'a\x01b']], { raw: true }),
  ];
  for (const param of (ctx.operation.parameters ?? []).filter((p) => p.in === 'header')) {
    const name = param.name;
    const lower = name.toLowerCase();
    const values: string[] = lower === 'idempotency-key' ? ['', ' ', 'a b', 'ключ', 'k'.repeat(256), '\t'] : [TEN_K, '', ';;;', 'ключ'];
    if (isJsonHeader(param.schema)) {
      values.push(...schemaJsonHeaderValues(ctx, lower));
      values.push(
        '{nope',
        '[]',
        '"a string"',
        'null',
        '42',
        '{"__proto__":{"polluted":"yes"}}',
        `{"a":${'['.repeat(2000)}${']'.repeat(2000)}}`,
        '{"zzUnknown":1}',
      );
    }
    if (lower === 'last-event-id') values.push('-1', '99999999999999999999', '1-1-1');
    if (lower === 'x-voxq-webhook-url') values.push('not a url', 'ftp://example.com/x', 'https://127.0.0.1/hook');
    if (lower === 'x-voxq-filename') values.push('../../etc/passwd', 'a\\b.wav', '%00.wav');
    for (const value of values) {
      const shown = value.length > 24 ? `${value.slice(0, 12)}…(${value.length})` : JSON.stringify(value);
      const nonLatin = /[^\x20-\x7e\t]/.test(value);
      cases.push(h(`${name}: ${shown}`, [[lower, nonLatin ? Buffer.from(value).toString('latin1') : value]], nonLatin ? { raw: true } : {}));
    }
    cases.push(
      h(`${name} twice`, [
        [lower, 'one'],
        [lower, 'two'],
      ]),
    );
  }
  return cases;
}
