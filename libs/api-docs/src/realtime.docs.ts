import { realtimeQuerySchema, realtimeSessionViewSchema } from '@voxq/contracts';
import { component, type RouteDoc } from './route-doc';

/**
 * Realtime sessions (docs/realtime.md). OpenAPI describes HTTP, not a WebSocket's frames: the
 * handshake and its refusals are documented here, the event protocol (OpenAI's Realtime
 * events) in docs/realtime.md.
 */
export const realtimeDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/realtime',
    operationId: 'openRealtimeSession',
    tag: 'Realtime',
    summary: 'Open a realtime session (WebSocket, OpenAI Realtime events)',
    description:
      'A WebSocket handshake (`Connection: Upgrade`, `Upgrade: websocket`) with the API key in `Authorization`. voxq picks a realtime provider with its router, opens the session upstream (failing over to the next provider while none has opened it), then answers `101 Switching Protocols` and relays OpenAI Realtime events both ways: `session.created` first. Every refusal comes before the upgrade, as an HTTP error in the usual envelope: 400 without `model`, 404 for a model no realtime provider serves, 426 for a request that is no WebSocket handshake, 429 when the tenant holds its most sessions at once (`REALTIME_MAX_SESSIONS_PER_TENANT`), 502 when every provider refused. The session is recorded (`GET /v1/realtime/sessions/{id}`), metered in session minutes (`GET /v1/usage`) and announced by a `session.completed` webhook when it closes.',
    auth: true,
    envelope: 'voxq',
    query: realtimeQuerySchema,
    conditional: false,
    responses: {
      101: {
        description: 'Switching Protocols: the socket now carries the session as OpenAI Realtime events (JSON text frames).',
        headers: { 'X-Voxq-Session-Id': 'The session id (`rts_…`) for `GET /v1/realtime/sessions/{id}`.' },
      },
    },
    errors: [400, 404, 426, 502],
  },
  {
    method: 'get',
    path: '/v1/realtime/sessions/{id}',
    operationId: 'getRealtimeSession',
    tag: 'Realtime',
    summary: 'A realtime session: provider, model, times, close reason and its text both ways',
    auth: true,
    envelope: 'voxq',
    pathParams: { id: "The session id (`rts_` and 28 hex digits), from the handshake's `X-Voxq-Session-Id`." },
    responses: {
      200: {
        description: 'The session, open (`active`) or ended (`completed`).',
        content: { 'application/json': { schema: component('RealtimeSession', realtimeSessionViewSchema) } },
      },
    },
    errors: [404],
  },
];
