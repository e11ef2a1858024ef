import { useState } from 'preact/hooks';
import type { WebhookDeliveryView } from '@voxq/contracts';
import { DeliveriesTable } from '../deliveries';
import { formatTime } from '../format';
import { ErrorNote, Section, useApi, useLoad } from '../ui';

/** voxq's webhook events (WEBHOOK_EVENT_TYPES in @voxq/contracts; listed here so the bundle does not carry zod). */
const EVENTS = ['job.completed', 'job.failed', 'job.cancelled', 'batch.completed', 'batch.failed', 'batch.cancelled', 'batch.expired', 'session.completed'];
const STATES = ['pending', 'delivering', 'succeeded', 'failed', 'expired', 'cancelled'];

interface Endpoint {
  id: string;
  url: string;
  name: string | null;
  events: string[];
  enabled: boolean;
  disabledReason: string | null;
  previousSecretExpiresAt: string | null;
  signingSecretSource: 'workspace' | 'custom';
  createdAt: string;
  secret?: string;
}

/** A signing secret shown once (at create or rotation): the API never shows it again. */
function SecretNote({ endpoint, onDone }: { endpoint: Endpoint; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div class="note note-ok secret" role="status" id="new-secret">
      <p>
        <strong>Signing secret for {endpoint.name ?? endpoint.url}.</strong> Copy it now: it is not shown again.
        {endpoint.previousSecretExpiresAt ? ` The previous secret keeps signing until ${formatTime(endpoint.previousSecretExpiresAt)}.` : ''}
      </p>
      <code class="secret-value">{endpoint.secret}</code>
      <div class="row-actions">
        <button
          type="button"
          class="button button-small"
          onClick={() => void navigator.clipboard?.writeText(endpoint.secret ?? '').then(() => setCopied(true))}
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" class="button button-small button-quiet" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}

export function WebhooksPage() {
  const api = useApi();
  const endpoints = useLoad((signal) => api.get<{ data: Endpoint[] }>('/v1/webhooks', signal), [api]);
  const [secret, setSecret] = useState<Endpoint | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const act = async (id: string, run: () => Promise<void>) => {
    setBusy(id);
    setError(null);
    try {
      await run();
      endpoints.reload();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(null);
    }
  };
  const path = (e: Endpoint) => `/v1/webhooks/${encodeURIComponent(e.id)}`;
  const rotate = (e: Endpoint) => act(e.id, async () => setSecret(await api.json<Endpoint>('POST', `${path(e)}/rotate-secret`)));
  const toggle = (e: Endpoint) => act(e.id, async () => void (await api.json('PATCH', path(e), { enabled: !e.enabled })));
  const remove = (e: Endpoint) => {
    if (!confirm(`Delete the endpoint ${e.name ?? e.url}? Its pending deliveries are cancelled.`)) return;
    void act(e.id, async () => void (await api.json('DELETE', path(e))));
  };

  return (
    <>
      <div class="page-head">
        <div>
          <h1>Webhooks</h1>
          <p class="muted">Endpoints receive signed events (Standard Webhooks) when your jobs and batches finish.</p>
        </div>
      </div>
      {secret ? <SecretNote endpoint={secret} onDone={() => setSecret(null)} /> : null}
      {error ? <ErrorNote error={error} title="The endpoint was not changed" /> : null}
      <Section title="Endpoints" id="endpoints">
        {endpoints.error ? <ErrorNote error={endpoints.error} title="The endpoints could not be loaded" /> : null}
        {endpoints.data && endpoints.data.data.length === 0 ? <p class="muted">No endpoints yet. Add one below.</p> : null}
        {endpoints.data && endpoints.data.data.length > 0 ? (
          <div class="table-wrap">
            <table class="table" id="endpoints-table">
              <caption class="visually-hidden">Your webhook endpoints</caption>
              <thead>
                <tr>
                  <th scope="col">Endpoint</th>
                  <th scope="col">Events</th>
                  <th scope="col">State</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {endpoints.data.data.map((e) => (
                  <tr key={e.id} data-endpoint-id={e.id}>
                    <th scope="row">
                      <div>{e.name ?? <span class="muted">Unnamed</span>}</div>
                      <div class="sub mono truncate" title={e.url}>
                        {e.url}
                      </div>
                    </th>
                    <td>
                      <ul class="chips">
                        {e.events.map((name) => (
                          <li key={name} class="chip">
                            {name}
                          </li>
                        ))}
                      </ul>
                    </td>
                    <td>
                      <span class={`badge ${e.enabled ? 'badge-completed' : 'badge-cancelled'}`}>{e.enabled ? 'enabled' : 'disabled'}</span>
                      {e.disabledReason ? <div class="sub">{e.disabledReason}</div> : null}
                      {e.previousSecretExpiresAt ? <div class="sub">Old secret valid until {formatTime(e.previousSecretExpiresAt)}</div> : null}
                    </td>
                    <td class="actions">
                      {e.signingSecretSource === 'workspace' ? (
                        <button type="button" class="button button-small" disabled={busy !== null} onClick={() => void rotate(e)}>
                          Rotate secret
                        </button>
                      ) : null}
                      <button type="button" class="button button-small" disabled={busy !== null} onClick={() => void toggle(e)}>
                        {e.enabled ? 'Disable' : 'Enable'}
                      </button>
                      <button type="button" class="button button-small button-danger-quiet" disabled={busy !== null} onClick={() => remove(e)}>
                        Delete
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </Section>
      <NewEndpoint onCreated={(e) => (setSecret(e), endpoints.reload())} />
      <DeliveryLog endpoints={endpoints.data?.data ?? []} />
    </>
  );
}

function NewEndpoint({ onCreated }: { onCreated: (endpoint: Endpoint) => void }) {
  const api = useApi();
  const [url, setUrl] = useState('');
  const [name, setName] = useState('');
  const [events, setEvents] = useState<string[]>(EVENTS);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onCreated(await api.json<Endpoint>('POST', '/v1/webhooks', { url, events, ...(name.trim() ? { name: name.trim() } : {}) }));
      setUrl('');
      setName('');
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section title="Add an endpoint" id="new-endpoint">
      <form class="form" onSubmit={submit}>
        <div class="row">
          <div class="field grow">
            <label for="endpoint-url">URL</label>
            <input
              id="endpoint-url"
              type="url"
              required
              value={url}
              onInput={(e) => setUrl(e.currentTarget.value)}
              placeholder="https://example.com/hooks/voxq"
            />
          </div>
          <div class="field">
            <label for="endpoint-name">
              Name <span class="optional">optional</span>
            </label>
            <input id="endpoint-name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
          </div>
        </div>
        <fieldset class="checks">
          <legend>Events</legend>
          {EVENTS.map((name) => (
            <label key={name} class="check">
              <input
                type="checkbox"
                checked={events.includes(name)}
                onChange={(e) => setEvents((list) => (e.currentTarget.checked ? [...list, name] : list.filter((n) => n !== name)))}
              />
              <span class="mono">{name}</span>
            </label>
          ))}
        </fieldset>
        {error ? <ErrorNote error={error} title="The endpoint was not added" /> : null}
        <button type="submit" class="button button-primary" disabled={busy || !url || events.length === 0}>
          {busy ? 'Adding…' : 'Add endpoint'}
        </button>
      </form>
    </Section>
  );
}

function DeliveryLog({ endpoints }: { endpoints: Endpoint[] }) {
  const api = useApi();
  const [state, setState] = useState('');
  const [endpointId, setEndpointId] = useState('');
  const query = new URLSearchParams({ limit: '50', ...(state ? { state } : {}), ...(endpointId ? { endpointId } : {}) }).toString();
  const list = useLoad((signal) => api.get<{ data: WebhookDeliveryView[] }>(`/v1/webhook-deliveries?${query}`, signal), [api, query]);
  return (
    <Section
      title="Delivery log"
      id="delivery-log"
      actions={
        <button type="button" class="button button-small" onClick={list.reload}>
          Refresh
        </button>
      }
    >
      <div class="filters">
        <div class="field">
          <label for="delivery-state">State</label>
          <select id="delivery-state" value={state} onChange={(e) => setState(e.currentTarget.value)}>
            <option value="">All states</option>
            {STATES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="delivery-endpoint">Endpoint</label>
          <select id="delivery-endpoint" value={endpointId} onChange={(e) => setEndpointId(e.currentTarget.value)}>
            <option value="">All endpoints</option>
            {endpoints.map((e) => (
              <option key={e.id} value={e.id}>
                {e.name ?? e.url}
              </option>
            ))}
          </select>
        </div>
      </div>
      {list.error ? <ErrorNote error={list.error} title="The deliveries could not be loaded" /> : null}
      {list.data ? <DeliveriesTable deliveries={list.data.data} onChange={list.reload} caption="Webhook deliveries, newest first" /> : null}
    </Section>
  );
}
