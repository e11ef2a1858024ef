import type { WebSocket } from 'ws';
import type { Principal } from '@voxq/auth';
import type { Config } from '@voxq/config';
import type { RealtimeCloseReason, RealtimeSessionView } from '@voxq/contracts';
import { errors } from '@voxq/errors';
import type { Logger } from '@voxq/logging';
import { recordRealtimeEnded, recordRealtimeOpened } from '@voxq/metrics';
import { resolvePrimaryModel, type ProviderRouter, type ProviderRuntime } from '@voxq/providers';
import { KeyShards, type RedisClient } from '@voxq/redis-keys';
import { enqueueSessionEvent, type WebhookQueueContext } from '@voxq/webhooks';
import { SessionLeases, SESSION_RENEW_MS } from './session-leases';
import { newSessionId } from './session-id';
import { SessionRelay } from './session-relay';
import { RealtimeSessionStore } from './session-store';
import { SessionTranscript } from './session-transcript';
import { openUpstream, type OpenedUpstream } from './upstream-connect';

export interface RealtimeServiceDeps {
  config: Pick<Config, 'realtime' | 'redis' | 'jobs'>;
  logger: Logger;
  redis: RedisClient;
  providers: ProviderRuntime;
  router: ProviderRouter;
  webhooks: WebhookQueueContext;
}

/** A session whose upstream is open and whose slot is held, waiting for the client's socket to be upgraded. */
export interface PendingSession {
  id: string;
  principal: Principal;
  provider: string;
  model: string;
  failoverCount: number;
  upstream: OpenedUpstream;
}

const intent = { language: 'en', optimizeFor: 'balanced' } as const;

/**
 * Realtime sessions end to end: `open` does everything that may refuse one before the
 * client's socket is upgraded (the model, the tenant's session limit, a provider chosen by the
 * router that opened its session), so every refusal is an HTTP error in the usual envelope;
 * `attach` relays the upgraded socket to it, and records, meters and announces
 * (`session.completed`) the session when it ends.
 */
export class RealtimeService {
  private readonly leases: SessionLeases;
  private readonly store: RealtimeSessionStore;
  private readonly live = new Map<string, { relay: SessionRelay; done: Promise<void> }>();

  constructor(private readonly deps: RealtimeServiceDeps) {
    const { redis, config } = deps;
    this.leases = new SessionLeases(redis, config.redis.prefix);
    this.store = new RealtimeSessionStore(redis, KeyShards.for(config.redis), config.jobs.retentionSeconds);
  }

  /** Sessions this process relays now. */
  get openSessions(): number {
    return this.live.size;
  }

  /**
   * Opens the upstream session for a client about to upgrade: 400 without a `model`, 404 for a
   * model no realtime provider serves, 429 when the tenant is at its limit, 502 when every
   * candidate refused or failed. `signal`: the client went away while this ran.
   */
  async open(principal: Principal, model: string | undefined, signal: AbortSignal): Promise<PendingSession> {
    if (!model) throw errors.invalidRequest("Missing required parameter: 'model' (GET /v1/realtime?model=…).", 'model');
    const { providers, router, logger, config } = this.deps;
    resolvePrimaryModel(providers, 'realtime', { name: model, intent, constraints: {} });
    const id = newSessionId();
    const limit = config.realtime.maxSessionsPerTenant;
    if (!(await this.leases.acquire(principal.tenantId, id, limit))) throw errors.tooManySessions(await this.leases.count(principal.tenantId), limit);
    try {
      const routed = await router.run(
        'realtime',
        { intent, constraints: {}, primaryModel: model },
        (provider, m, callSignal) => openUpstream(provider, m, callSignal),
        {
          signal,
          logger,
          tenantId: principal.tenantId,
        },
      );
      return { id, principal, provider: routed.provider, model: routed.model, failoverCount: routed.failoverCount, upstream: routed.value };
    } catch (error) {
      await this.leases.release(principal.tenantId, id);
      throw error;
    }
  }

  /** The client's socket could not be upgraded after all: the upstream and the slot are let go. */
  async abandon(pending: PendingSession): Promise<void> {
    pending.upstream.socket.terminate();
    await this.leases.release(pending.principal.tenantId, pending.id);
  }

  /** Relays the upgraded client socket to its pending session, until either side closes. */
  attach(pending: PendingSession, client: WebSocket): void {
    const { id, principal, provider, model, failoverCount } = pending;
    const { tenantId } = principal;
    const startedAt = new Date();
    const view = (
      status: RealtimeSessionView['status'],
      transcript: SessionTranscript,
      end?: { at: Date; reason: RealtimeCloseReason },
    ): RealtimeSessionView => ({
      id,
      object: 'realtime.session',
      status,
      provider,
      model,
      failoverCount,
      startedAt: startedAt.toISOString(),
      endedAt: end ? end.at.toISOString() : null,
      durationMs: end ? end.at.getTime() - startedAt.getTime() : null,
      closeReason: end?.reason ?? null,
      transcript: transcript.entries,
      transcriptTruncated: transcript.truncated,
      usage: transcript.usage,
    });
    const log = this.deps.logger.child({ sessionId: id, tenantId, provider, model });
    const transcript = new SessionTranscript();
    const { socket, sessionCreated, takeEarly } = pending.upstream;
    const first = [{ data: sessionCreated, isBinary: false }, ...takeEarly()];
    const relay = new SessionRelay(client, socket, first, this.deps.config.realtime, transcript);
    const renew = setInterval(
      () => this.leases.renew(tenantId, id).catch((error: unknown) => log.warn({ err: error }, 'realtime lease renewal failed')),
      SESSION_RENEW_MS,
    );
    void this.store.opened(tenantId, view('active', transcript)).catch((error: unknown) => log.error({ err: error }, 'realtime session record not written'));
    recordRealtimeOpened();
    log.info({ failoverCount }, 'realtime session opened');
    const done = relay.ended.then(async (reason) => {
      clearInterval(renew);
      const ended = view('completed', transcript, { at: new Date(), reason });
      recordRealtimeEnded(provider, reason, ended.durationMs ?? 0);
      try {
        await this.store.ended(tenantId, ended);
        await enqueueSessionEvent(this.deps.webhooks, tenantId, ended);
      } catch (error) {
        log.error({ err: error }, 'realtime session end not recorded');
      } finally {
        await this.leases.release(tenantId, id).catch(() => {});
        this.live.delete(id);
      }
      log.info({ reason, durationMs: ended.durationMs }, 'realtime session closed');
    });
    this.live.set(id, { relay, done });
  }

  /** The tenant's session record (open or ended), or 404. */
  async get(tenantId: string, sessionId: string): Promise<RealtimeSessionView> {
    const found = await this.store.get(tenantId, sessionId);
    if (!found) throw errors.notFound('realtime_session', sessionId);
    return found;
  }

  /** Closes every session this process relays (`server_shutdown`) and waits until they are recorded. */
  async closeAll(): Promise<void> {
    const all = [...this.live.values()];
    for (const { relay } of all) relay.close('server_shutdown');
    await Promise.all(all.map((s) => s.done));
  }
}
