import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

/** What `checkAnswer` needs of an answer (a `TestResponse`, or any fetch result read to the end). */
export interface Answer {
  status: number;
  headers: Headers;
  raw: Buffer;
}

type Json = Record<string, unknown>;

/** A JSON Pointer segment (RFC 6901). */
const pointerSegment = (s: string) => s.replaceAll('~', '~0').replaceAll('/', '~1');

/** `application/json`, `application/problem+json`. */
const isJsonType = (type: string) => type === 'application/json' || type.endsWith('+json');

/** `audio/*` in the document covers `audio/wav` in an answer. */
const coversType = (documented: string, sent: string) =>
  documented === sent || (documented.endsWith('/*') && sent.startsWith(documented.slice(0, -1))) || documented === '*/*';

/**
 * Checks real answers against the OpenAPI document `GET /openapi.json` serves: the path and
 * method must be an operation, the status one of its responses, the content type one the
 * response lists, and a JSON body must satisfy that media type's schema (JSON Schema 2020-12,
 * the document's dialect). An answer the document does not describe is a problem, so a status
 * the API sends but the document lacks fails the test that provoked it.
 */
export class OpenApiAnswerValidator {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false, validateFormats: false });
  private readonly compiled = new Map<string, ValidateFunction>();
  /** `<operationId> <status>` of every answer checked, to report what the tests reached. */
  readonly seen = new Set<string>();

  constructor(private readonly doc: Json & { paths: Record<string, Record<string, Json>>; components: Json }) {
    // Refs in the document (`#/components/schemas/X`) resolve against it, under this id.
    this.ajv.addSchema({ ...doc, $id: 'openapi.json' });
  }

  /** Every operation's `operationId`. */
  operationIds(): string[] {
    return Object.values(this.doc.paths).flatMap((item) => Object.values(item).map((operation) => String(operation['operationId'])));
  }

  /** The documented template a concrete path is an instance of (`/v1/jobs/job_1` → `/v1/jobs/{id}`). */
  templateOf(path: string): string | undefined {
    const bare = path.split('?')[0]!;
    const templates = Object.keys(this.doc.paths);
    for (const param of ['[^/]+', '.+']) {
      const found = templates.find((t) => {
        const pattern = t
          .split(/\{\w+\}/)
          .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
          .join(param);
        return new RegExp(`^${pattern}$`).test(bare);
      });
      if (found) return found;
    }
    return undefined;
  }

  /** The problems of one answer (empty: it is what the document says). */
  checkAnswer(method: string, path: string, answer: Answer): string[] {
    const where = `${method.toUpperCase()} ${path} → ${answer.status}`;
    const template = this.templateOf(path);
    const operation = template ? this.doc.paths[template]?.[method.toLowerCase()] : undefined;
    if (!template || !operation) return [`${where}: no such operation in the document`];
    this.seen.add(`${String(operation['operationId'])} ${answer.status}`);
    const responses = operation['responses'] as Record<string, Json>;
    let response = responses[String(answer.status)];
    let pointer = `#/paths/${pointerSegment(template)}/${method.toLowerCase()}/responses/${answer.status}`;
    if (!response) return [`${where}: status not documented (documented: ${Object.keys(responses).join(', ')})`];
    if (typeof response['$ref'] === 'string') {
      pointer = response['$ref'];
      response = (this.doc.components['responses'] as Record<string, Json>)[pointer.split('/').pop()!]!;
    }
    const content = response['content'] as Record<string, Json> | undefined;
    const sentType = (answer.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!content) return answer.raw.length === 0 ? [] : [`${where}: documented without a body, answered ${answer.raw.length} bytes of ${sentType}`];
    const documentedType = Object.keys(content).find((type) => coversType(type, sentType));
    if (!documentedType) return [`${where}: content type '${sentType}' not documented (documented: ${Object.keys(content).join(', ')})`];
    if (!isJsonType(sentType)) return [];
    let body: unknown;
    try {
      body = JSON.parse(answer.raw.toString());
    } catch {
      return [`${where}: not JSON`];
    }
    const validate = this.validatorFor(`${pointer}/content/${pointerSegment(documentedType)}/schema`);
    if (validate(body)) return [];
    return (validate.errors ?? []).map((e) => `${where}: ${e.instancePath || '(body)'} ${e.message} ${JSON.stringify(e.params)}`);
  }

  /**
   * A path no operation serves answers 404 in voxq's envelope (the document's `ErrorEnvelope`):
   * there is no operation to hold it, so it is checked against the component itself.
   */
  checkUnrouted(method: string, path: string, answer: Answer): string[] {
    const where = `${method.toUpperCase()} ${path} → ${answer.status}`;
    if (this.templateOf(path) && this.doc.paths[this.templateOf(path)!]?.[method.toLowerCase()]) return [`${where}: a documented operation`];
    if (answer.status !== 404) return [`${where}: an unrouted path must answer 404`];
    const validate = this.validatorFor('#/components/schemas/ErrorEnvelope');
    if (validate(JSON.parse(answer.raw.toString()))) return [];
    return (validate.errors ?? []).map((e) => `${where}: ${e.instancePath || '(body)'} ${e.message}`);
  }

  private validatorFor(pointer: string): ValidateFunction {
    let validate = this.compiled.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `openapi.json${pointer}` });
      this.compiled.set(pointer, validate);
    }
    return validate;
  }
}
