import type { JobRecord } from '@voxq/job-store';
import type { Logger } from '@voxq/logging';
import type { ObjectStore } from '@voxq/storage';
import type { DropRuleStore } from './drop-rule-store';
import type { DropRule } from './drop-rule.schema';

const DROP_METADATA_KEY = 'voxqDrop';

/** `<outputPrefix><name>.<suffix>.json` (or `<name>.json` for the result itself). */
export function dropMarkerKey(rule: DropRule, key: string, suffix: 'done' | 'error' | null, ext = 'json'): string {
  const name = key.slice(rule.prefix.length);
  return `${rule.outputPrefix}${name}${suffix ? `.${suffix}` : ''}.${ext}`;
}

/** Whether a finished job came from a bucket drop (its metadata names the rule and key). */
export const isDropJob = (metadata: Record<string, string>): boolean => DROP_METADATA_KEY in metadata;

const json = (value: unknown) => Buffer.from(JSON.stringify(value, null, 2));

/**
 * The "drop output" step, run by the worker when a drop's job finishes: the result (the
 * transcript, or the synthesized audio copied beside a small JSON) lands in the rule's output
 * prefix, then a `.done.json` or `.error.json` marks the source. Every write is a whole-object
 * PUT of the same content, so running it twice (a retried job) is harmless.
 */
export class DropOutput {
  constructor(private readonly deps: { objects: ObjectStore; rules: DropRuleStore; logger: Logger }) {}

  async write(record: JobRecord): Promise<void> {
    const marker = record.metadata[DROP_METADATA_KEY];
    if (!marker) return;
    const split = marker.indexOf(':');
    const ruleId = marker.slice(0, split);
    const key = marker.slice(split + 1);
    const rule = await this.deps.rules.get(record.tenantId, ruleId);
    if (!rule) {
      this.deps.logger.warn({ jobId: record.id, ruleId }, 'drop output skipped: its rule was deleted');
      return;
    }
    const { objects } = this.deps;
    const source = { bucket: rule.bucket, key };
    const base = { jobId: record.id, ruleId: rule.id, source, status: record.status, finishedAt: record.finishedAt ?? new Date().toISOString() };
    if (record.status !== 'completed' || !record.result) {
      await objects.putBuffer(dropMarkerKey(rule, key, 'error'), json({ object: 'drop_error', ...base, error: record.error ?? null }), {
        contentType: 'application/json',
      });
      return;
    }
    const outputs: string[] = [];
    let result: Record<string, unknown> = record.result;
    const audio = record.type === 'synthesize' ? (record.result.audio as { key?: string; contentType: string } | undefined) : undefined;
    if (audio?.key) {
      const ext = /\.(\w+)$/.exec(audio.key)?.[1] ?? 'bin';
      const target = dropMarkerKey(rule, key, null, ext);
      const { body, object } = await objects.getStream({ key: audio.key });
      await objects.putStream(target, body, { contentType: audio.contentType, contentLength: object.size });
      outputs.push(target);
      // The presigned URL would expire; the copy is what the output names.
      const { presignedUrl: _url, presignedUrlExpiresAt: _expires, ...rest } = audio as Record<string, unknown>;
      result = { ...record.result, audio: { ...rest, key: target } };
    }
    const resultKey = dropMarkerKey(rule, key, null);
    await objects.putBuffer(resultKey, json({ object: 'drop_result', ...base, type: record.type, result }), { contentType: 'application/json' });
    outputs.unshift(resultKey);
    await objects.putBuffer(dropMarkerKey(rule, key, 'done'), json({ object: 'drop_done', ...base, outputs }), { contentType: 'application/json' });
  }
}
