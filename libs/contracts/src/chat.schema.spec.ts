import { describe, expect, it } from 'vitest';
import { chatToolSchema, toolChoiceSchema, toolSecretRefs } from './chat.schema';
import { createSecretSchema } from './tenant-secret.schema';

const url = 'https://tools.example.com/hook';
const params = { type: 'object', properties: {} };

describe('chatToolSchema: the Speko SDK shapes and voxq own', () => {
  it.each([
    ['no source: inline', { name: 't' }, { executionMode: 'inline' }],
    [
      "voxq's webhook tool",
      { name: 't', executionMode: 'webhook', source: { kind: 'webhook', url, authHeaders: { 'x-k': 'v' } } },
      { executionMode: 'webhook' },
    ],
    ['a webhook source without executionMode', { name: 't', source: { kind: 'webhook', url, secretRef: 'sign' } }, { executionMode: 'webhook' }],
    [
      "the SDK's webhook source",
      {
        name: 't',
        description: 'd',
        parameters: params,
        executionMode: 'webhook',
        source: {
          kind: 'webhook',
          url,
          secretRef: 'sign',
          headers: { 'x-tag': 'a' },
          authHeaders: [{ name: 'authorization', secretRef: 'crm.token' }],
          timeoutMs: 5000,
        },
        preToolSpeech: 'never',
      },
      { executionMode: 'webhook', preToolSpeech: 'never' },
    ],
    ['an inline source', { name: 't', source: { kind: 'inline' } }, { executionMode: 'inline' }],
    ["voxq's builtin", { name: 'current_time', executionMode: 'builtin' }, { executionMode: 'builtin' }],
    [
      "the SDK's builtin, named by source.name",
      { name: 'clock', source: { kind: 'builtin', name: 'current_time', config: { x: 1 } } },
      { executionMode: 'builtin' },
    ],
    ['preToolSpeech on an inline tool', { name: 't', preToolSpeech: 'always' }, { preToolSpeech: 'always' }],
  ])('accepts %s', (_, tool, expected) => {
    const parsed = chatToolSchema.safeParse(tool);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    expect(parsed.data).toMatchObject(expected);
  });

  it.each([
    [
      'an integration source',
      { name: 't', source: { kind: 'integration', installationId: 'i', appKey: 'a', actionKey: 'x' } },
      'source.kind',
      /no integrations/,
    ],
    ['integration mode', { name: 't', executionMode: 'integration' }, 'executionMode', /no integrations/],
    ['a webhook tool without a source', { name: 't', executionMode: 'webhook' }, 'source', /needs `source/],
    ['a mode its source contradicts', { name: 't', executionMode: 'inline', source: { kind: 'webhook', url } }, 'source.kind', /must match/],
    ['an unknown builtin', { name: 'clock', source: { kind: 'builtin', name: 'rm_rf' } }, 'source.name', /unknown builtin/],
    ['a bad secretRef', { name: 't', source: { kind: 'webhook', url, secretRef: 'has space' } }, 'source.secretRef', /letters/],
    ['an authHeaders entry without secretRef', { name: 't', source: { kind: 'webhook', url, authHeaders: [{ name: 'x' }] } }, 'source.authHeaders', /./],
    [
      'a bad header name in headers',
      { name: 't', source: { kind: 'webhook', url, headers: { 'bad header': 'x' } } },
      'source.headers.bad header',
      /Invalid key/,
    ],
    ['an unknown preToolSpeech', { name: 't', preToolSpeech: 'sometimes' }, 'preToolSpeech', /./],
    ['an unknown source field', { name: 't', source: { kind: 'webhook', url, secret: 'x' } }, 'source', /./],
  ])('refuses %s', (_, tool, path, message) => {
    const parsed = chatToolSchema.safeParse(tool);
    expect(parsed.success).toBe(false);
    const issue = parsed.error!.issues[0]!;
    expect(issue.path.join('.')).toBe(path);
    expect(issue.message).toMatch(message);
  });
});

describe('toolChoiceSchema', () => {
  it.each([
    ['auto', 'auto'],
    [{ name: 'lookup' }, { name: 'lookup' }],
    [{ type: 'function', function: { name: 'lookup' } }, { name: 'lookup' }],
  ])('reads %j as %j', (choice, expected) => {
    expect(toolChoiceSchema.parse(choice)).toEqual(expected);
  });

  it('refuses another type', () => {
    expect(toolChoiceSchema.safeParse({ type: 'tool', function: { name: 'x' } }).success).toBe(false);
  });
});

describe('toolSecretRefs', () => {
  it('lists every secretRef with the field that names it', () => {
    const tools = [
      chatToolSchema.parse({ name: 'a' }),
      chatToolSchema.parse({
        name: 'b',
        source: {
          kind: 'webhook',
          url,
          secretRef: 'sign',
          authHeaders: [
            { name: 'x', secretRef: 'one' },
            { name: 'y', secretRef: 'two' },
          ],
        },
      }),
      chatToolSchema.parse({ name: 'c', source: { kind: 'webhook', url, authHeaders: { 'x-literal': 'not a ref' } } }),
    ];
    expect(toolSecretRefs(tools)).toEqual([
      { name: 'sign', path: 'tools.1.source.secretRef' },
      { name: 'one', path: 'tools.1.source.authHeaders.0.secretRef' },
      { name: 'two', path: 'tools.1.source.authHeaders.1.secretRef' },
    ]);
  });
});

describe('createSecretSchema', () => {
  it.each([
    [{ name: 'crm.token_1-a', value: 'v' }, true],
    [{ name: 'x'.repeat(128), value: 'v' }, true],
    [{ name: 'x'.repeat(129), value: 'v' }, false],
    [{ name: 'a/b', value: 'v' }, false],
    [{ name: 'a', value: '' }, false],
    [{ name: 'a', value: 'line\nbreak' }, false],
    [{ name: 'a', value: 'tab\tis fine' }, true],
    [{ name: 'a', value: 'v', extra: 1 }, false],
  ])('%j: %s', (body, ok) => {
    expect(createSecretSchema.safeParse(body).success).toBe(ok);
  });
});
