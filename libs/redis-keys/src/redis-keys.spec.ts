import { describe, expect, it } from 'vitest';
import { redisKeys } from './redis-keys';

/**
 * Every key's exact string, pinned. Stored names: an installation upgraded to a voxq whose
 * keys differ cannot find its queued jobs, records, API keys or counters. A change here
 * must be deliberate and come with a migration; a new key needs its line.
 */
const PINNED: Record<string, [args: Array<string | number>, key: string]> = {
  'jobs.record': [['job_1'], 'voxq:job:job_1'],
  'meta.shards': [[], 'voxq:shards'],
  'jobs.toolLoop': [['job_1'], 'voxq:job:job_1:tool-loop'],
  'jobs.deltas': [['job_1'], 'voxq:job:job_1:deltas'],
  'indexes.tenantJobs': [['acme'], 'voxq:tenant:acme:jobs'],
  'indexes.jobsByType': [['acme', 'transcribe'], 'voxq:tenant:acme:jobs:type:transcribe'],
  'idempotency.reservation': [['acme', 'abc123'], 'voxq:idem:acme:abc123'],
  'uploads.record': [['acme', 'up_1'], 'voxq:tenant:acme:upload:up_1'],
  'batches.file': [['acme', 'file-1'], 'voxq:tenant:acme:file:file-1'],
  'batches.tenantFiles': [['acme'], 'voxq:tenant:acme:files'],
  'batches.record': [['acme', 'batch_1'], 'voxq:tenant:acme:batch:batch_1'],
  'batches.tenantIndex': [['acme'], 'voxq:tenant:acme:batches'],
  'batches.jobs': [['acme', 'batch_1'], 'voxq:tenant:acme:batch:batch_1:jobs'],
  'batches.progress': [['acme', 'batch_1'], 'voxq:tenant:acme:batch:batch_1:progress'],
  'batches.historyPending': [[], 'voxq:batches:pending'],
  'batches.historyMover': [[], 'voxq:batches:mover'],
  'tenantSecrets.tenantIndex': [['acme'], 'voxq:tenant:acme:secrets'],
  'webhookEndpoints.record': [['we_1'], 'voxq:webhook-endpoint:we_1'],
  'webhookEndpoints.tenantIndex': [['acme'], 'voxq:tenant:acme:webhook-endpoints'],
  'webhookDeliveries.record': [['wd_1'], 'voxq:webhook-delivery:wd_1'],
  'webhookDeliveries.event': [['evt_1'], 'voxq:webhook-event:evt_1'],
  'webhookDeliveries.tenantIndex': [['acme'], 'voxq:tenant:acme:webhook-deliveries'],
  'webhookDeliveries.stateIndex': [['acme', 'pending'], 'voxq:tenant:acme:webhook-deliveries:state:pending'],
  'webhookDeliveries.subjectIndex': [['job_1'], 'voxq:job:job_1:webhook-deliveries'],
  'webhookDeliveries.endpointIndex': [['we_1'], 'voxq:webhook-endpoint:we_1:deliveries'],
  'webhookDeliveries.attemptLog': [['job_1'], 'voxq:job:job_1:deliveries'],
  'webhookDeliveries.deadLetter': [[], 'voxq:webhooks:dead-letter'],
  'webhookDeliveries.historyPending': [[], 'voxq:webhook-deliveries:history:pending'],
  'webhookDeliveries.historyMover': [[], 'voxq:webhook-deliveries:history:mover'],
  'drops.rules': [[], 'voxq:drop-rules'],
  'drops.tenantRules': [['acme'], 'voxq:tenant:acme:drop-rules'],
  'drops.seen': [['f00d'], 'voxq:drop:seen:f00d'],
  'auth.tenant': [['acme'], 'voxq:tenant:acme'],
  'auth.tenantKeys': [['acme'], 'voxq:tenant:acme:keys'],
  'auth.apiKeyByHash': [['beef'], 'voxq:apikey:beef'],
  'auth.apiKeyById': [['key_1'], 'voxq:apikey-id:key_1'],
  'auth.apiKeyRateLimit': [[], 'voxq:ratelimit:apikey'],
  'auth.apiKeyBurstLimit': [[], 'voxq:ratelimit:apikey-burst'],
  'auth.usageCounter': [['acme', '2026-11'], 'voxq:usage:acme:jobs:2026-11'],
  'auth.usageCharge': [['acme', 'batch_1'], 'voxq:usage:acme:charge:batch_1'],
  'history.pending': [[], 'voxq:history:pending'],
  'history.moverLease': [[], 'voxq:history:mover'],
  'metering.day': [['acme', '2026-12-07'], 'voxq:usage:acme:day:2026-12-07'],
  'realtime.session': [['rts_1'], 'voxq:realtime-session:rts_1'],
  'realtime.tenantOpen': [['acme'], 'voxq:tenant:acme:realtime-sessions:open'],
  'providers.rateLimit': [[], 'voxq:ratelimit'],
  'providers.leases': [['openai'], 'voxq:provider:openai:leases'],
  'providers.cooldown': [['llm:openai'], 'voxq:provider:llm:openai:cooldown'],
  'providers.breaker': [['llm:openai'], 'voxq:provider:llm:openai:breaker'],
  'providers.failures': [['llm:openai'], 'voxq:provider:llm:openai:failures'],
  'providers.probe': [['llm:openai'], 'voxq:provider:llm:openai:probe'],
  'providers.health': [['llm:openai', 178_000_000], 'voxq:health:llm:openai:178000000'],
  'providers.scoresRun': [['sr_1'], 'voxq:scores-run:sr_1'],
  'providers.scoresRunsPending': [[], 'voxq:scores-runs:pending'],
  'providers.scoresRunsMover': [[], 'voxq:scores-runs:mover'],
  'channels.jobDone': [['job_1'], 'voxq:job:job_1:done'],
  'channels.jobEvents': [['job_1'], 'voxq:job:job_1:events'],
  'channels.jobDeltas': [['job_1'], 'voxq:job:job_1:deltas:live'],
  'channels.cancel': [[], 'voxq:cancel'],
  'bull.prefix': [[], 'voxq:q'],
};

type Builder = (...args: Array<string | number>) => string;

/** `family.name` of every key builder. */
function builders(keys: object): Map<string, Builder> {
  const out = new Map<string, Builder>();
  for (const [family, members] of Object.entries(keys)) {
    for (const [name, build] of Object.entries(members as Record<string, Builder>)) out.set(`${family}.${name}`, build);
  }
  return out;
}

describe('redisKeys', () => {
  const keys = redisKeys('voxq');

  it('pins every key (a new key needs its pinned string)', () => {
    expect([...builders(keys).keys()].sort()).toEqual(Object.keys(PINNED).sort());
  });

  it.each(Object.entries(PINNED))('%s is unchanged', (path, [args, expected]) => {
    expect(builders(keys).get(path)?.(...args)).toBe(expected);
  });

  it('keeps a hash-tag prefix as given (every key in one Redis Cluster slot)', () => {
    expect(redisKeys('{voxq}').jobs.record('job_1')).toBe('{voxq}:job:job_1');
  });

  it("matches the channels the job transition scripts build in Lua (record .. ':done', record .. ':events')", () => {
    expect(keys.channels.jobDone('job_1')).toBe(`${keys.jobs.record('job_1')}:done`);
    expect(keys.channels.jobEvents('job_1')).toBe(`${keys.jobs.record('job_1')}:events`);
  });
});
