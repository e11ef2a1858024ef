export { RealtimeService, type PendingSession, type RealtimeServiceDeps } from './realtime-service';
export { SESSION_ID_PATTERN } from './session-id';
export { SessionLeases, SESSION_LEASE_MS, SESSION_RENEW_MS } from './session-leases';
export { MAX_TRANSCRIPT_CHARS } from './session-transcript';
