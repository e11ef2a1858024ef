/**
 * What the fuzz generator needs of the OpenAPI document's JSON Schemas: a valid value to start
 * from, and the ways to break it (each required property dropped, each property given a wrong
 * type, nulls, outsized values, deep nesting, prototype keys).
 */

export type JsonSchema = Record<string, unknown>;

export interface OpenApiDoc {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

export interface OpenApiOperation {
  operationId?: string;
  parameters?: { name: string; in: 'path' | 'query' | 'header' | 'cookie'; required?: boolean; schema?: JsonSchema }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema; examples?: Record<string, { value?: unknown }> }> };
}

/** A body that is JSON text, not a value: keys `JSON.stringify` would drop (`__proto__`) or text that is not JSON at all. */
export class RawJson {
  constructor(readonly text: string) {}
}

export interface JsonMutation {
  label: string;
  value: unknown;
  /** The property it breaks (`input.text`); none for whole-body mutations. */
  field?: string;
}

/** Follows `#/components/schemas/X` references and reads what a schema says. */
export class SchemaReader {
  constructor(private readonly doc: OpenApiDoc) {}

  resolve(schema: JsonSchema | undefined, seen = 0): JsonSchema {
    if (!schema) return {};
    const ref = schema['$ref'];
    if (typeof ref !== 'string' || seen > 20) return schema;
    const name = ref.replace('#/components/schemas/', '');
    return this.resolve(this.doc.components?.schemas?.[name], seen + 1);
  }

  /** The schema's first type that is not `null` (`["string", "null"]` → `string`); a union's first branch's. */
  typeOf(schema: JsonSchema | undefined): string | undefined {
    const s = this.resolve(schema);
    const type = s['type'];
    if (typeof type === 'string') return type;
    if (Array.isArray(type)) return type.find((t) => t !== 'null') as string | undefined;
    const branch = this.firstBranch(s);
    if (branch) return this.typeOf(branch);
    if ('const' in s) return typeof s['const'];
    if (s['properties']) return 'object';
    return undefined;
  }

  firstBranch(schema: JsonSchema): JsonSchema | undefined {
    for (const key of ['oneOf', 'anyOf', 'allOf'] as const) {
      const list = schema[key];
      if (Array.isArray(list) && list.length > 0) return this.resolve(list[0] as JsonSchema);
    }
    return undefined;
  }

  properties(schema: JsonSchema | undefined): { props: Record<string, JsonSchema>; required: string[] } {
    const s = this.resolve(schema);
    if (s['properties']) return { props: s['properties'] as Record<string, JsonSchema>, required: (s['required'] as string[]) ?? [] };
    const branch = this.firstBranch(s);
    return branch ? this.properties(branch) : { props: {}, required: [] };
  }

  /** A small value the schema accepts (required properties only), or the closest this reader can build. */
  exampleOf(schema: JsonSchema | undefined, depth = 0): unknown {
    const s = this.resolve(schema);
    if ('const' in s) return s['const'];
    if (Array.isArray(s['enum'])) return s['enum'][0];
    if (Array.isArray(s['examples']) && s['examples'].length > 0) return s['examples'][0];
    if ('default' in s && s['default'] !== undefined) return s['default'];
    const type = this.typeOf(s);
    if (depth > 6) return null;
    switch (type) {
      case 'object': {
        const { props, required } = this.properties(s);
        return Object.fromEntries(required.map((name) => [name, this.exampleOf(props[name], depth + 1)]));
      }
      case 'array': {
        const min = Number(this.resolve(s)['minItems'] ?? 1);
        return Array.from({ length: Math.max(1, min) }, () => this.exampleOf(s['items'] as JsonSchema, depth + 1));
      }
      case 'integer':
      case 'number':
        return Number(s['minimum'] ?? 1);
      case 'boolean':
        return true;
      case 'string':
        return s['format'] === 'uri' ? 'https://example.com/hook' : 'x'.repeat(Math.max(1, Number(s['minLength'] ?? 1)));
      default:
        return 'x';
    }
  }
}

/** A value of another JSON type than the schema's. */
export function wrongTypeFor(type: string | undefined): unknown {
  switch (type) {
    case 'string':
      return 12345;
    case 'integer':
    case 'number':
      return 'not a number';
    case 'boolean':
      return 'yes';
    case 'array':
      return { not: 'an array' };
    case 'object':
      return ['not', 'an', 'object'];
    default:
      return { unexpected: true };
  }
}

const setAt = (root: unknown, path: string[], value: unknown, drop = false): unknown => {
  const copy = structuredClone(root) as Record<string, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  const last = path[path.length - 1]!;
  if (drop) delete node[last];
  else node[last] = value;
  return copy;
};

const deepArray = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
const deepObject = (levels: number): unknown => {
  let node: unknown = 'bottom';
  for (let i = 0; i < levels; i++) node = { a: node };
  return node;
};

/**
 * Breaks a valid object body field by field, down to `maxDepth` levels of nested objects:
 * every required property dropped, every property (present or optional) given a wrong type
 * and a null; outsized strings, arrays and numbers; whole-body type swaps; deep nesting;
 * prototype keys. `jsonLimit` sizes the "just under the limit" variants that reach validation.
 */
export function jsonBodyMutations(
  reader: SchemaReader,
  schema: JsonSchema | undefined,
  valid: unknown,
  jsonLimit: number,
  options: { maxDepth?: number; junk?: () => unknown } = {},
): JsonMutation[] {
  const maxDepth = options.maxDepth ?? 2;
  const out: JsonMutation[] = [];
  const walk = (node: JsonSchema | undefined, value: unknown, path: string[]) => {
    if (path.length >= maxDepth || typeof value !== 'object' || value === null || Array.isArray(value)) return;
    const { props, required } = reader.properties(node);
    for (const [name, propSchema] of Object.entries(props)) {
      const at = [...path, name];
      const where = at.join('.');
      const type = reader.typeOf(propSchema);
      if (required.includes(name)) out.push({ label: `drop required ${where}`, field: where, value: setAt(valid, at, undefined, true) });
      out.push({ label: `wrong type ${where}`, field: where, value: setAt(valid, at, wrongTypeFor(type)) });
      out.push({ label: `null ${where}`, field: where, value: setAt(valid, at, null) });
      if (options.junk) out.push({ label: `seeded junk ${where}`, field: where, value: setAt(valid, at, options.junk()) });
      if (type === 'string') {
        out.push({ label: `huge string ${where}`, field: where, value: setAt(valid, at, 'x'.repeat(jsonLimit * 4)) });
        out.push({ label: `long string ${where}`, field: where, value: setAt(valid, at, 'é'.repeat(Math.floor(jsonLimit / 4))) });
        out.push({ label: `NUL and lone surrogate ${where}`, field: where, value: setAt(valid, at, '\u0000\ud800x') });
        // Characters with a meaning in Redis keys and SCAN patterns, and in S3 keys.
        out.push({ label: `key characters ${where}`, field: where, value: setAt(valid, at, '*:?[a-z]{x}/../%') });
      }
      if (type === 'integer' || type === 'number') {
        for (const n of [1e308, -1e308, 2 ** 53 + 2, -1, 0.5]) out.push({ label: `number ${n} ${where}`, field: where, value: setAt(valid, at, n) });
      }
      if (type === 'array') {
        out.push({
          label: `huge array ${where}`,
          field: where,
          value: setAt(
            valid,
            at,
            Array.from({ length: jsonLimit }, () => 0),
          ),
        });
        out.push({
          label: `many items ${where}`,
          field: where,
          value: setAt(
            valid,
            at,
            Array.from({ length: Math.floor(jsonLimit / 8) }, () => 'x'),
          ),
        });
      }
      if (type === 'object') out.push({ label: `deep object ${where}`, field: where, value: setAt(valid, at, deepObject(200)) });
      // Only into what the valid body has: a missing parent cannot hold a broken child.
      const current = (value as Record<string, unknown>)[name];
      if (current !== undefined) walk(propSchema, current, at);
    }
  };
  walk(schema, valid, []);
  const text = JSON.stringify(valid) ?? 'null';
  const inner = text.startsWith('{') && text.length > 2 ? text.slice(1) : '}';
  out.push(
    { label: 'a JSON array body', value: [valid] },
    { label: 'a JSON string body', value: 'just a string' },
    { label: 'a JSON number body', value: 42 },
    { label: 'a JSON null body', value: null },
    { label: 'an empty object body', value: {} },
    { label: 'an unknown top-level field', value: { ...(valid as object), zzUnknown: 1 } },
    { label: 'deeply nested arrays', value: new RawJson(deepArray(Math.floor(jsonLimit / 2) - 2)) },
    { label: 'deeply nested objects', value: deepObject(300) },
    { label: '__proto__ key', value: new RawJson(`{"__proto__":{"polluted":"yes"},${inner}`) },
    { label: 'constructor.prototype key', value: new RawJson(`{"constructor":{"prototype":{"polluted":"yes"}},${inner}`) },
    { label: 'duplicated keys', value: new RawJson(text.startsWith('{') ? `${text.slice(0, -1)}${text.length > 2 ? ',' : ''}${inner}` : text) },
    { label: 'number 1e400', value: new RawJson(text.startsWith('{') ? `{"zzNumber":1e400,${inner}` : '1e400') },
  );
  return out;
}
