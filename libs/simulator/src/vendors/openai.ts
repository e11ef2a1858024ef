import { buildReply, chatRequestSchema, chooseTools, completionBody, streamFrames } from '../chat-completion';
import { embeddingRoutes } from './openai-embeddings';
import { imageRoutes } from './openai-images';
import { speechRoutes } from './openai-speech';
import { transcriptionRoutes } from './openai-transcriptions';
import { headerValue, INVALID_KEY, json, retryAfterHeader, type SimRequest, type SimResponse, type SimVendor } from '../vendor';

/** OpenAI's error envelope. */
function openAiError(status: number, message: string, retryAfterSeconds?: number, code: string | null = null): SimResponse {
  const type = status === 429 ? 'requests' : status >= 500 ? 'server_error' : 'invalid_request_error';
  return json(
    status,
    { error: { message, type, param: null, code: code ?? (status === 429 ? 'rate_limit_exceeded' : status === 404 ? 'unknown_url' : null) } },
    retryAfterHeader(retryAfterSeconds),
  );
}

function authenticate(req: SimRequest): SimResponse | null {
  const key = /^Bearer\s+(\S+)$/i.exec(headerValue(req, 'authorization') ?? '')?.[1];
  if (!key) return openAiError(401, "You didn't provide an API key. Send `Authorization: Bearer <key>`.");
  if (key === INVALID_KEY) return openAiError(401, 'Incorrect API key provided.', undefined, 'invalid_api_key');
  return null;
}

function chatCompletions(req: SimRequest): SimResponse {
  const body = req.json();
  if (body === undefined) return openAiError(400, 'We could not parse the JSON body of your request.');
  const parsed = chatRequestSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return openAiError(400, `Invalid request: ${issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'invalid body'}`);
  }
  const tools = chooseTools(parsed.data);
  if (!Array.isArray(tools)) return openAiError(400, `tool_choice names '${tools.unknownTool}', which is not in tools.`);
  const reply = buildReply(parsed.data, tools);
  if (!parsed.data.stream) return json(200, completionBody(reply));
  return {
    status: 200,
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' },
    body: '',
    stream: streamFrames(reply, parsed.data.stream_options?.include_usage === true),
  };
}

/** OpenAI's routes; other OpenAI-compatible vendors mount the same ones under their name. */
export function openAiCompatibleVendor(name: string, basePath: string): SimVendor {
  const escaped = basePath.replace(/[/]/g, '\\/');
  return {
    name,
    basePath,
    authenticate,
    error: openAiError,
    realtime: new RegExp(`^${escaped}/realtime$`),
    routes: [
      { method: 'POST', path: new RegExp(`^${escaped}/chat/completions$`), handle: chatCompletions },
      ...transcriptionRoutes(escaped),
      ...speechRoutes(escaped),
      ...embeddingRoutes(escaped),
      ...imageRoutes(escaped, `/${name}${basePath}`),
    ],
  };
}

export const openai = openAiCompatibleVendor('openai', '/v1');
/** Groq's base URL is `https://api.groq.com/openai/v1`. */
export const groq = openAiCompatibleVendor('groq', '/openai/v1');
