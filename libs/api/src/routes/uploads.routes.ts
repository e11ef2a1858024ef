import { Router, type Request } from 'express';
import type { Config } from '@voxq/config';
import { presignUploadRequestSchema } from '@voxq/contracts';
import { principalOf } from '../middleware/authenticate';
import { jsonBody } from '../middleware/job-body';
import { refuseContentEncoding } from '../middleware/request-headers';
import { parseOrThrow, type UploadService } from '@voxq/intake';

export interface UploadsRoutesDeps {
  config: Config;
  uploads: UploadService;
}

const filenameSchema = presignUploadRequestSchema.shape.filename;

function contentLengthOf(req: Request): number | undefined {
  const header = req.header('content-length');
  return header === undefined || !/^\d{1,16}$/.test(header) ? undefined : Number(header);
}

/**
 * `/v1/uploads`: audio put into voxq's bucket once, then named in jobs by `uploadId`.
 * The streamed form pipes the request itself to S3 (no body parser runs on it), so an
 * upload costs the API a few multipart buffers whatever its size.
 */
export function uploadsRoutes(deps: UploadsRoutesDeps): Router {
  const router = Router();
  const { uploads } = deps;
  const idOf = (req: Request) => String(req.params.id);

  router.post('/v1/uploads', async (req, res) => {
    const principal = principalOf(req);
    const filename = parseOrThrow(filenameSchema, req.header('x-voxq-filename'), 'X-Voxq-Filename');
    const incoming = { contentType: req.header('content-type'), contentLength: contentLengthOf(req), ...(filename ? { filename } : {}) };
    const aborted = new AbortController();
    const onClose = () => {
      if (!req.complete) aborted.abort(new Error('the client closed the connection mid-upload'));
    };
    req.once('close', onClose);
    try {
      refuseContentEncoding(req, '/v1/uploads');
      const view = await uploads.ingest(principal, req, { ...incoming, signal: aborted.signal });
      res.status(201).location(`/v1/uploads/${view.id}`).json(view);
    } catch (error) {
      if (!req.complete) {
        // Answer now, then drop the connection instead of reading the rest of a refused body.
        res.setHeader('Connection', 'close');
      }
      throw error;
    } finally {
      req.off('close', onClose);
    }
  });

  router.post('/v1/uploads\\:presign', jsonBody(deps.config), async (req, res) => {
    const request = parseOrThrow(presignUploadRequestSchema, req.body);
    const view = await uploads.presign(principalOf(req), request);
    res.status(201).location(`/v1/uploads/${view.id}`).json(view);
  });

  router.post('/v1/uploads/:id/complete', async (req, res) => {
    res.json(await uploads.complete(principalOf(req), idOf(req)));
  });

  router.get('/v1/uploads/:id', async (req, res) => {
    res.json(await uploads.get(principalOf(req), idOf(req)));
  });

  router.delete('/v1/uploads/:id', async (req, res) => {
    res.json(await uploads.delete(principalOf(req), idOf(req)));
  });

  return router;
}
