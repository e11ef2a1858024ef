// The chaos suite's verdict, read from Redis (the job records and the tenant's indexes, as
// voxq wrote them) and from what the webhook receiver got.
//
//   lost            an accepted job id with no record, or missing from the tenant's job index
//   unfinished      a record still queued or active at the deadline
//   no reason       a failed record without error.code and error.message
//   double results  a job whose deliveries carry different data, different webhook-ids or more
//                   than one terminal type, or whose delivered status is not its record's; a
//                   job cancelled with a 200 that ended otherwise
//   index mismatch  status index membership that disagrees with the record
//   webhook missing a finished job whose terminal event never arrived
//   duplicates      deliveries beyond the first per job (at-least-once: allowed, counted)

import { redisKeys } from '../lib/redis-keys.mjs';

const TERMINAL = ['completed', 'failed', 'cancelled'];
const STATUSES = ['queued', 'active', ...TERMINAL];

/** Every job's record status (null: no record) and its parsed error, by one pipeline per 500. */
export async function readRecords(redis, prefix, ids) {
  const keys = redisKeys(prefix);
  const out = new Map();
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const pipeline = redis.pipeline();
    for (const id of chunk) pipeline.hmget(keys.jobs.record(id), 'status', 'error', 'tenantId', 'attempts');
    const replies = await pipeline.exec();
    chunk.forEach((id, k) => {
      const [err, [status, error, tenantId, attempts] = []] = replies[k];
      if (err) throw err;
      out.set(id, status ? { status, error: error ? JSON.parse(error) : null, tenantId, attempts: Number(attempts) } : null);
    });
  }
  return out;
}

/** BullMQ jobs not yet finished in every job queue and the webhooks queue. */
async function queuedWork(redis, prefix) {
  const pipeline = redis.pipeline();
  for (const queue of ['transcribe', 'synthesize', 'complete', 'embed', 'webhooks']) {
    const q = `${redisKeys(prefix).bull.prefix()}:${queue}`;
    pipeline.llen(`${q}:wait`).llen(`${q}:active`).zcard(`${q}:delayed`).zcard(`${q}:prioritized`).zcard(`${q}:waiting-children`);
  }
  return (await pipeline.exec()).reduce((n, [err, count]) => (err ? n + 1 : n + count), 0);
}

/**
 * True once every record is terminal, every terminal job has its webhook, and BullMQ holds
 * no unfinished job: a job or delivery whose process was killed sits in `active` until the
 * stalled check runs it again (up to a minute later), and that re-run must happen before
 * the verdict (it could deliver a second result, or a duplicate).
 */
export async function settled(redis, prefix, ids, receiver) {
  const records = await readRecords(redis, prefix, ids);
  let open = 0;
  let unheard = 0;
  for (const id of ids) {
    const r = records.get(id);
    if (!r || !TERMINAL.includes(r.status)) open += 1;
    else if (!receiver.byJob.has(id)) unheard += 1;
  }
  const queued = await queuedWork(redis, prefix);
  return { done: open === 0 && unheard === 0 && queued === 0, open, unheard, queued };
}

/** Where BullMQ holds a job now (for the evidence of a stuck one). */
async function bullState(redis, prefix, type, id) {
  const q = `${redisKeys(prefix).bull.prefix()}:${type}`;
  const [inWait, inActive, delayed, prioritized, completed, failed, exists, hash] = await Promise.all([
    redis.lpos(`${q}:wait`, id),
    redis.lpos(`${q}:active`, id),
    redis.zscore(`${q}:delayed`, id),
    redis.zscore(`${q}:prioritized`, id),
    redis.zscore(`${q}:completed`, id),
    redis.zscore(`${q}:failed`, id),
    redis.exists(`${q}:${id}`),
    redis.hmget(`${q}:${id}`, 'attemptsMade', 'stalledCounter', 'failedReason', 'returnvalue'),
  ]);
  const where = [
    inWait !== null && 'wait',
    inActive !== null && 'active',
    delayed !== null && 'delayed',
    prioritized !== null && 'prioritized',
    completed !== null && 'completed',
    failed !== null && 'failed',
  ].filter(Boolean);
  return {
    where: where.length ? where : exists ? ['(hash only)'] : ['(gone)'],
    attemptsMade: hash[0],
    stalledCounter: hash[1],
    failedReason: hash[2],
    returnvalue: hash[3],
  };
}

export async function verify({ redis, prefix, tenant, submitted, cancels, receiver }) {
  const keys = redisKeys(prefix);
  const ids = [...submitted.keys()];
  const records = await readRecords(redis, prefix, ids);
  const problems = { lost: [], unfinished: [], noReason: [], doubleResults: [], indexMismatch: [], webhookMissing: [] };
  const counts = { submitted: ids.length, completed: 0, failed: 0, cancelled: 0, failedByCode: {}, byType: {}, duplicates: 0, deliveries: 0 };

  // The tenant's indexes: the whole index and one per status.
  const [all, ...byStatus] = await Promise.all([
    redis.zrange(keys.indexes.tenantJobs(tenant), 0, -1),
    ...STATUSES.map((s) => redis.zrange(keys.indexes.jobsByStatus(tenant, s), 0, -1)),
  ]);
  const inIndex = new Set(all);
  const statusOf = new Map();
  STATUSES.forEach((s, k) => byStatus[k].forEach((id) => statusOf.set(id, [...(statusOf.get(id) ?? []), s])));
  counts.index = { all: all.length, ...Object.fromEntries(STATUSES.map((s, k) => [s, byStatus[k].length])) };
  const extra = all.filter((id) => !submitted.has(id));
  if (extra.length) problems.indexMismatch.push(...extra.map((id) => ({ id, why: 'in the tenant index but never accepted by the API' })));

  for (const id of ids) {
    const record = records.get(id);
    const { type } = submitted.get(id);
    counts.byType[type] ??= { submitted: 0, completed: 0, failed: 0, cancelled: 0 };
    counts.byType[type].submitted += 1;
    if (!record || !inIndex.has(id)) {
      problems.lost.push({ id, type, why: !record ? 'no record' : 'not in the tenant job index' });
      continue;
    }
    const indexed = statusOf.get(id) ?? [];
    if (indexed.length !== 1 || indexed[0] !== record.status) problems.indexMismatch.push({ id, status: record.status, indexes: indexed });
    if (!TERMINAL.includes(record.status)) {
      problems.unfinished.push({ id, type, status: record.status, attempts: record.attempts, bull: await bullState(redis, prefix, type, id) });
      continue;
    }
    counts[record.status] += 1;
    counts.byType[type][record.status] += 1;
    if (record.status === 'failed') {
      const code = record.error?.code;
      counts.failedByCode[code ?? '(none)'] = (counts.failedByCode[code ?? '(none)'] ?? 0) + 1;
      if (!code || !record.error?.message) problems.noReason.push({ id, error: record.error });
    }
    if (cancels.get(id) === 'cancelled' && record.status !== 'cancelled') {
      problems.doubleResults.push({ id, why: `DELETE answered 200 but the job ended ${record.status}` });
    }

    const deliveries = receiver.byJob.get(id) ?? [];
    if (deliveries.length === 0) {
      problems.webhookMissing.push({ id, type, status: record.status });
      continue;
    }
    counts.deliveries += deliveries.length;
    counts.duplicates += deliveries.length - 1;
    const types = new Set(deliveries.map((d) => d.type));
    const webhookIds = new Set(deliveries.map((d) => d.webhookId));
    const datas = new Set(deliveries.map((d) => d.data));
    const delivered = [...types][0];
    if (types.size > 1 || webhookIds.size > 1 || datas.size > 1 || delivered !== `job.${record.status}`) {
      problems.doubleResults.push({
        id,
        why:
          types.size > 1
            ? `events ${[...types].join(' and ')}`
            : webhookIds.size > 1
              ? `webhook-ids ${[...webhookIds].join(', ')}`
              : datas.size > 1
                ? 'deliveries with different data'
                : `delivered ${delivered}, record ${record.status}`,
        record: record.status,
        deliveries: deliveries.map((d) => ({ webhookId: d.webhookId, type: d.type, status: JSON.parse(d.data).status })),
      });
    }
  }
  // Evidence that the faults reached the jobs: retried attempts (the record's count) and
  // re-runs after a worker died (BullMQ's stalled counter, while its job hash is kept).
  counts.retried = ids.filter((id) => (records.get(id)?.attempts ?? 0) > 1).length;
  counts.stalledReruns = 0;
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const pipeline = redis.pipeline();
    for (const id of chunk) pipeline.hget(`${keys.bull.prefix()}:${submitted.get(id).type}:${id}`, 'stc');
    for (const [, stc] of await pipeline.exec()) if (Number(stc) > 0) counts.stalledReruns += 1;
  }
  if (counts.index.all !== ids.length) {
    problems.indexMismatch.push({ why: `tenant index holds ${counts.index.all} ids, ${ids.length} were accepted` });
  }
  const failedCount = Object.values(problems).reduce((n, list) => n + list.length, 0);
  return { counts, problems, ok: failedCount === 0 };
}
