import type { ToolCallJob } from '@voxq/queues';
import { signWebhook } from '@voxq/webhooks';

/** The tenant's webhook secret (`whsec_…`): what signs a tool call whose source names no `secretRef`. */
export type SecretLookup = (tenantId: string) => Promise<string | null>;

/** Opens tenant secrets by name (`TenantSecretStore.reveal`): a name the tenant lacks is absent. */
export interface ToolSecrets {
  reveal(tenantId: string, names: readonly string[]): Promise<Map<string, string>>;
}

/** Headers a tool's own `headers` and `authHeaders` cannot set: the signature's and the body's. */
const RESERVED_HEADERS = new Set(['webhook-id', 'webhook-timestamp', 'webhook-signature', 'content-type', 'content-length', 'host']);

const STANDARD_WEBHOOKS_PREFIX = 'whsec_';

/**
 * A signing secret as Standard Webhooks takes it. A value in its format (`whsec_<base64>`) is
 * used as such; any other value is the key itself (its UTF-8 bytes), carried in that format.
 */
export function signingKeyOf(value: string): string {
  return value.startsWith(STANDARD_WEBHOOKS_PREFIX) ? value : `${STANDARD_WEBHOOKS_PREFIX}${Buffer.from(value, 'utf8').toString('base64')}`;
}

const allowed = (entries: Array<[string, string]>) => entries.filter(([name]) => !RESERVED_HEADERS.has(name.toLowerCase()));

/**
 * Every header of one tool call: the source's `headers` as given, its `authHeaders` (literal,
 * or tenant secrets resolved now, so neither the job nor a log ever holds their values), the
 * content type, and the Standard Webhooks signature made with the `secretRef`'s value (else
 * the tenant's webhook secret). A secret the tenant no longer has (deleted after the job was
 * submitted) throws `secret 'x' is not defined`, which the model reads as the tool's error.
 */
export async function toolRequestHeaders(
  call: Pick<ToolCallJob, 'jobId' | 'tenantId' | 'hop' | 'toolCallId' | 'source'>,
  body: string,
  deps: { secrets: ToolSecrets; tenantSecret: SecretLookup },
): Promise<Record<string, string>> {
  const { source } = call;
  const authHeaders = source.authHeaders;
  const referenced = Array.isArray(authHeaders) ? authHeaders : [];
  const names = [...(source.secretRef ? [source.secretRef] : []), ...referenced.map((h) => h.secretRef)];
  const values = names.length > 0 ? await deps.secrets.reveal(call.tenantId, names) : new Map<string, string>();
  const valueOf = (name: string) => {
    const value = values.get(name);
    if (value === undefined) throw new Error(`secret '${name}' is not defined`);
    return value;
  };

  const auth: Array<[string, string]> = Array.isArray(authHeaders) ? authHeaders.map((h) => [h.name, valueOf(h.secretRef)]) : Object.entries(authHeaders ?? {});
  const signingSecret = source.secretRef ? valueOf(source.secretRef) : await deps.tenantSecret(call.tenantId);
  if (!signingSecret) throw new Error('the tenant has no signing secret.');
  let signature: Record<string, string>;
  try {
    signature = signWebhook(signingKeyOf(signingSecret), { id: `${call.jobId}.${call.hop}.${call.toolCallId}`, timestamp: new Date(), body });
  } catch {
    // The library's own message may quote the key it could not read.
    throw new Error(
      source.secretRef ? `secret '${source.secretRef}' is not a usable signing key (whsec_ followed by base64)` : 'the signing secret is unusable',
    );
  }
  return {
    ...Object.fromEntries(allowed(Object.entries(source.headers ?? {}))),
    ...Object.fromEntries(allowed(auth)),
    'content-type': 'application/json',
    'user-agent': 'voxq-tools/0.1',
    ...signature,
  };
}
