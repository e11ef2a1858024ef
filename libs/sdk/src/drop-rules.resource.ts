import type { Transport } from './transport';
import type { DropRule, DropRuleCreateRequest } from './types';

const rulePath = (id: string) => `/v1/drop-rules/${encodeURIComponent(id)}`;

/** `/v1/drop-rules`: folders of the tenant's bucket space whose new objects become jobs. */
export class DropRulesResource {
  constructor(private readonly http: Transport) {}

  /** Not retried: a repeat would make a second rule. */
  create(request: DropRuleCreateRequest, options: { signal?: AbortSignal } = {}): Promise<DropRule> {
    return this.http.json<DropRule>({ method: 'POST', path: '/v1/drop-rules', json: request, ...options });
  }

  async list(options: { signal?: AbortSignal } = {}): Promise<DropRule[]> {
    return (await this.http.json<{ data: DropRule[] }>({ method: 'GET', path: '/v1/drop-rules', ...options })).data;
  }

  get(id: string, options: { signal?: AbortSignal } = {}): Promise<DropRule> {
    return this.http.json<DropRule>({ method: 'GET', path: rulePath(id), ...options });
  }

  async delete(id: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.http.request({ method: 'DELETE', path: rulePath(id), ...options });
  }
}
