import { BatchesResource } from './batches.resource';
import { DropRulesResource } from './drop-rules.resource';
import { FilesResource } from './files.resource';
import { JobsResource } from './jobs.resource';
import { Transport, type VoxqClientOptions } from './transport';
import { UploadsResource } from './uploads.resource';

/**
 * A client of one voxq API for one API key. Uses the global `fetch` (Node 20+, browsers,
 * workers); every error is a `VoxqError`.
 *
 * ```ts
 * const voxq = new VoxqClient({ baseUrl: 'http://127.0.0.1:8080', apiKey: process.env.VOXQ_API_KEY! });
 * const job = await voxq.jobs.create({ type: 'synthesize', input: { text: 'Hello' } });
 * const done = await voxq.jobs.wait(job.id, { onEvent: (e) => console.log(e.type) });
 * ```
 */
export class VoxqClient {
  readonly jobs: JobsResource;
  readonly uploads: UploadsResource;
  readonly batches: BatchesResource;
  readonly files: FilesResource;
  readonly dropRules: DropRulesResource;

  constructor(options: VoxqClientOptions) {
    const http = new Transport(options);
    this.jobs = new JobsResource(http);
    this.uploads = new UploadsResource(http);
    this.batches = new BatchesResource(http);
    this.files = new FilesResource(http);
    this.dropRules = new DropRulesResource(http);
  }
}
