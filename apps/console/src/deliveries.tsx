import { useState } from 'preact/hooks';
import type { WebhookDeliveryView } from '@voxq/contracts';
import { formatTime } from './format';
import { ErrorNote, useApi } from './ui';

const STATE_CLASS: Record<string, string> = {
  succeeded: 'completed',
  failed: 'failed',
  pending: 'queued',
  delivering: 'active',
  expired: 'cancelled',
  cancelled: 'cancelled',
};

/** Webhook deliveries with their outcome and a Redeliver button where the API allows one. */
export function DeliveriesTable({ deliveries, onChange, caption }: { deliveries: WebhookDeliveryView[]; onChange: () => void; caption: string }) {
  const api = useApi();
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const redeliver = async (delivery: WebhookDeliveryView) => {
    setBusy(delivery.id);
    setMessage(null);
    try {
      const answer = await api.json<WebhookDeliveryView & { delivered: boolean }>(
        'POST',
        `/v1/webhook-deliveries/${encodeURIComponent(delivery.id)}/redeliver`,
      );
      setMessage({
        ok: answer.delivered,
        text: answer.delivered
          ? `Redelivered ${delivery.eventType}: the endpoint answered ${answer.httpStatus ?? 'OK'}.`
          : `Redelivery of ${delivery.eventType} started${answer.httpStatus ? `: the endpoint answered ${answer.httpStatus}` : ''}.`,
      });
      onChange();
    } catch (error) {
      setMessage({ ok: false, text: (error as Error).message });
    } finally {
      setBusy(null);
    }
  };

  if (deliveries.length === 0) return <p class="muted">No deliveries.</p>;
  return (
    <>
      {message ? (
        message.ok ? (
          <div class="note note-ok" role="status">
            {message.text}
          </div>
        ) : (
          <ErrorNote error={message.text} title="Redeliver" />
        )
      ) : null}
      <div class="table-wrap">
        <table class="table deliveries">
          <caption class="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">Target</th>
              <th scope="col">State</th>
              <th scope="col">HTTP</th>
              <th scope="col">Attempts</th>
              <th scope="col">When</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {deliveries.map((d) => (
              <tr key={d.id} data-delivery-id={d.id}>
                <th scope="row">
                  <span class="mono">{d.eventType}</span>
                  {d.jobId ? (
                    <div class="sub">
                      <a class="mono" href={`#/jobs/${encodeURIComponent(d.jobId)}`}>
                        {d.jobId}
                      </a>
                    </div>
                  ) : null}
                </th>
                <td>
                  {d.endpointName ? <div>{d.endpointName}</div> : null}
                  <div class="sub mono truncate" title={d.url}>
                    {d.url}
                  </div>
                </td>
                <td>
                  <span class={`badge badge-${STATE_CLASS[d.state] ?? 'queued'}`}>{d.state}</span>
                  {d.error ? <div class="sub">{d.error}</div> : null}
                </td>
                <td class="mono">{d.httpStatus ?? '—'}</td>
                <td>{d.attempts}</td>
                <td>{formatTime(d.occurredAt)}</td>
                <td class="actions">
                  {d.canRedeliver ? (
                    <button type="button" class="button button-small" disabled={busy !== null} onClick={() => void redeliver(d)}>
                      {busy === d.id ? 'Sending…' : 'Redeliver'}
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
