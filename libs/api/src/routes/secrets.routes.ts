import { Router, type Request } from 'express';
import type { Config } from '@voxq/config';
import { createSecretSchema, rotateSecretSchema, type SecretView } from '@voxq/contracts';
import { AppError } from '@voxq/errors';
import { parseOrThrow } from '@voxq/intake';
import type { TenantSecretStore } from '@voxq/tenant-secrets';
import { principalOf } from '../middleware/authenticate';
import { jsonBody } from '../middleware/job-body';

const nameOf = (req: Request) => String(req.params.name);

const notFound = (name: string) =>
  new AppError({ code: 'tenant_secret_not_found', type: 'not_found_error', status: 404, message: `No secret named '${name}'.` });

const found = (secret: SecretView | null, name: string) => {
  if (!secret) throw notFound(name);
  return secret;
};

/**
 * A tenant's secrets for its tools (`/v1/secrets`): create, list, read, rotate and delete.
 * No answer ever carries a value (they are write-only); another tenant's secret is a 404.
 */
export function secretsRoutes(deps: { config: Config; secrets: TenantSecretStore }): Router {
  const router = Router();
  const { secrets } = deps;

  router.post('/v1/secrets', jsonBody(deps.config), async (req, res) => {
    const { name, value } = parseOrThrow(createSecretSchema, req.body);
    const secret = await secrets.create(principalOf(req).tenantId, name, value);
    res.status(201).location(`/v1/secrets/${name}`).json(secret);
  });

  router.get('/v1/secrets', async (req, res) => {
    res.json({ object: 'list', data: await secrets.list(principalOf(req).tenantId) });
  });

  router.get('/v1/secrets/:name', async (req, res) => {
    res.json(found(await secrets.get(principalOf(req).tenantId, nameOf(req)), nameOf(req)));
  });

  router.put('/v1/secrets/:name', jsonBody(deps.config), async (req, res) => {
    const { value } = parseOrThrow(rotateSecretSchema, req.body);
    res.json(found(await secrets.rotate(principalOf(req).tenantId, nameOf(req), value), nameOf(req)));
  });

  router.delete('/v1/secrets/:name', async (req, res) => {
    if (!(await secrets.delete(principalOf(req).tenantId, nameOf(req)))) throw notFound(nameOf(req));
    res.json({ object: 'secret', name: nameOf(req), deleted: true });
  });

  return router;
}
