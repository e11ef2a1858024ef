// The chaos suite's verdict, read from voxq (the job records and the tenant's listings through
// the HTTP API, BullMQ's queues through the libs: tools/chaos/observe.mjs) and from what the
// webhook receiver got.
//
//   lost            an accepted job id with no record (GET /v1/jobs/:id is 404), or missing from
//                   the tenant's listing (GET /v1/jobs)
//   unfinished      a record still queued or active at the deadline
//   no reason       a failed record without error.code and error.message
//   double results  a job whose deliveries carry different data, different webhook-ids or more
//                   than one terminal type, or whose delivered status is not its record's; a
//                   job cancelled with a 200 that ended otherwise
//   index mismatch  a job listed under a status (GET /v1/jobs?status=) other than its record's,
//                   or under none or several
//   webhook missing a finished job whose terminal event never arrived
//   duplicates      deliveries beyond the first per job (at-least-once: allowed, counted)

const TERMINAL = ['completed', 'failed', 'cancelled'];
const STATUSES = ['queued', 'active', ...TERMINAL];

/**
 * True once every record is terminal, every terminal job has its webhook, and BullMQ holds
 * no unfinished job: a job or delivery whose process was killed sits in `active` until the
 * stalled check runs it again (up to a minute later), and that re-run must happen before
 * the verdict (it could deliver a second result, or a duplicate). `finished` (id → record)
 * carries the terminal records over from one call to the next: a terminal status is final,
 * so only the others are read again.
 */
export async function settled(observer, ids, receiver, finished) {
  const open = ids.filter((id) => !finished.has(id));
  for (const [id, record] of await observer.records(open)) if (record && TERMINAL.includes(record.status)) finished.set(id, record);
  let unheard = 0;
  for (const id of finished.keys()) if (!receiver.byJob.has(id)) unheard += 1;
  const queued = await observer.unfinishedBullJobs();
  const unfinished = ids.length - finished.size;
  return { done: unfinished === 0 && unheard === 0 && queued === 0, open: unfinished, unheard, queued };
}

export async function verify({ observer, submitted, cancels, receiver }) {
  const ids = [...submitted.keys()];
  const records = await observer.records(ids);
  const problems = { lost: [], unfinished: [], noReason: [], doubleResults: [], indexMismatch: [], webhookMissing: [] };
  const counts = { submitted: ids.length, completed: 0, failed: 0, cancelled: 0, failedByCode: {}, byType: {}, duplicates: 0, deliveries: 0 };

  // The tenant's listings: every job, and one per status.
  const [all, ...byStatus] = await Promise.all([observer.listed(), ...STATUSES.map((s) => observer.listed(s))]);
  const inIndex = new Set(all);
  const statusOf = new Map();
  STATUSES.forEach((s, k) => byStatus[k].forEach((id) => statusOf.set(id, [...(statusOf.get(id) ?? []), s])));
  counts.index = { all: all.length, ...Object.fromEntries(STATUSES.map((s, k) => [s, byStatus[k].length])) };
  const extra = all.filter((id) => !submitted.has(id));
  if (extra.length) problems.indexMismatch.push(...extra.map((id) => ({ id, why: 'listed for the tenant but never accepted by the API' })));

  for (const id of ids) {
    const record = records.get(id);
    const { type } = submitted.get(id);
    counts.byType[type] ??= { submitted: 0, completed: 0, failed: 0, cancelled: 0 };
    counts.byType[type].submitted += 1;
    if (!record || !inIndex.has(id)) {
      problems.lost.push({ id, type, why: !record ? 'no record' : 'not in the tenant listing' });
      continue;
    }
    const indexed = statusOf.get(id) ?? [];
    if (indexed.length !== 1 || indexed[0] !== record.status) problems.indexMismatch.push({ id, status: record.status, indexes: indexed });
    if (!TERMINAL.includes(record.status)) {
      problems.unfinished.push({ id, type, status: record.status, attempts: record.attempts, bull: await observer.bullState(id) });
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
  counts.stalledReruns = await observer.stalledReruns(ids);
  if (counts.index.all !== ids.length) {
    problems.indexMismatch.push({ why: `the tenant listing holds ${counts.index.all} ids, ${ids.length} were accepted` });
  }
  const failedCount = Object.values(problems).reduce((n, list) => n + list.length, 0);
  return { counts, problems, ok: failedCount === 0 };
}
