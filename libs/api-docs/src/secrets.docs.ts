import { z } from 'zod';
import { createSecretSchema, rotateSecretSchema, secretListSchema, secretViewSchema } from '@voxq/contracts';
import { component, type RouteDoc } from './route-doc';

const Secret = component('Secret', secretViewSchema);
const json = (schema: ReturnType<typeof component>) => ({ 'application/json': { schema } });
const byName = { name: "The secret's name (`[A-Za-z0-9_.-]{1,128}`)." };
const deletedSecretSchema = z.strictObject({ object: z.literal('secret'), name: z.string(), deleted: z.literal(true) });

const ABOUT =
  "A tenant's named secrets, for its tools: a webhook tool's `source.secretRef` (the key that signs its calls) and `source.authHeaders[].secretRef` (header values) name them, and the dispatcher reads them when it sends a call. Values are encrypted at rest (AES-256-GCM under `SECRETS_ENCRYPTION_KEY`) and never answered: no route returns a value. Another tenant's secret is a 404.";

/** `/v1/secrets`: create, list, read, rotate, delete. */
export const secretsDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/secrets',
    operationId: 'createSecret',
    tag: 'Secrets',
    summary: 'Store a secret',
    description: `${ABOUT} A name that exists is a 409 (\`secret_exists\`; PUT replaces its value); a tenant holds at most 200 (\`too_many_secrets\`).`,
    auth: true,
    envelope: 'voxq',
    body: {
      required: true,
      content: {
        'application/json': {
          schema: component('CreateSecret', createSecretSchema),
          examples: { crm: { summary: 'A tool server token', value: { name: 'crm.token', value: 'Bearer 5f1c…' } } },
        },
      },
    },
    responses: { 201: { description: 'The secret (never its value).', content: json(Secret), headers: { Location: '`/v1/secrets/{name}`' } } },
    errors: [400, 409, 415],
  },
  {
    method: 'get',
    path: '/v1/secrets',
    operationId: 'listSecrets',
    tag: 'Secrets',
    summary: "The tenant's secrets",
    description: 'Names, versions and times, by name; never values.',
    auth: true,
    envelope: 'voxq',
    responses: { 200: { description: 'The secrets.', content: json(component('SecretList', secretListSchema)) } },
    errors: [],
  },
  {
    method: 'get',
    path: '/v1/secrets/{name}',
    operationId: 'getSecret',
    tag: 'Secrets',
    summary: 'A secret',
    auth: true,
    envelope: 'voxq',
    pathParams: byName,
    responses: { 200: { description: 'The secret (never its value).', content: json(Secret) } },
    errors: [404],
  },
  {
    method: 'put',
    path: '/v1/secrets/{name}',
    operationId: 'rotateSecret',
    tag: 'Secrets',
    summary: "Replace a secret's value",
    description: 'The next version: tool calls sent from now on use the new value.',
    auth: true,
    envelope: 'voxq',
    pathParams: byName,
    body: { required: true, content: { 'application/json': { schema: component('RotateSecret', rotateSecretSchema) } } },
    responses: { 200: { description: 'The secret at its new version.', content: json(Secret) } },
    errors: [400, 404, 415],
  },
  {
    method: 'delete',
    path: '/v1/secrets/{name}',
    operationId: 'deleteSecret',
    tag: 'Secrets',
    summary: 'Delete a secret',
    description:
      "Jobs already queued that name it get the tool error `secret '<name>' is not defined` when their call is sent; new ones are refused (400 `secret_not_found`).",
    auth: true,
    envelope: 'voxq',
    pathParams: byName,
    responses: { 200: { description: 'Deleted.', content: json(component('DeletedSecret', deletedSecretSchema)) } },
    errors: [404],
  },
];
