import type { RealtimeProvider } from '../provider';
import { errorFromStatus } from './errors';

export interface OpenAiCompatibleRealtimeOptions {
  /** Provider name in constraints and records: `openai`, or a compatible server's. */
  name: string;
  /** Up to and including the version segment, e.g. `https://api.openai.com/v1`. */
  baseUrl: string;
  apiKey: string;
  /** e.g. `gpt-realtime`; the others it serves by name are its profile's `speechModels`. */
  defaultModel: string;
}

/**
 * OpenAI's Realtime API over its WebSocket (`wss://…/v1/realtime?model=…`, the GA protocol:
 * no `OpenAI-Beta` header). The base URL's scheme becomes the socket's (`https` → `wss`), so
 * the simulator's `http://127.0.0.1:…/v1` is `ws://…/v1/realtime`. A refused handshake maps
 * like any OpenAI error answer.
 */
export function createOpenAiCompatibleRealtime(options: OpenAiCompatibleRealtimeOptions): RealtimeProvider {
  const { name, apiKey, defaultModel } = options;
  const base = options.baseUrl.replace(/\/+$/, '').replace(/^http/, 'ws');
  return {
    name,
    capability: 'realtime',
    languages: '*',
    defaultModel,
    upstream: (model) => ({ url: `${base}/realtime?model=${encodeURIComponent(model)}`, headers: { authorization: `Bearer ${apiKey}` } }),
    handshakeError: (status, body, retryAfter) => errorFromStatus(name, status, body, retryAfter),
  };
}
