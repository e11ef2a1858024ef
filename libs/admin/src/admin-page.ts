import { RECENT_FAILURES, type AdminStatus } from './admin-status';

/** Seconds between the page's own reloads (a meta refresh: the page runs no script). */
export const REFRESH_SECONDS = 15;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Everything shown comes from Redis (job names, vendor messages): escaped, always. */
export const escapeHtml = (value: unknown) => String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/**
 * The page's CSP: its one inline style block by nonce, nothing else at all (no script, no
 * image, no font, no connection); it replaces the API's `default-src 'none'` for this page only.
 */
export const adminPageCsp = (nonce: string) =>
  [`default-src 'none'`, `style-src 'nonce-${nonce}'`, "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'"].join('; ');

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 1.5rem; color: #1d2430; background: #fafbfc; }
h1 { font-size: 1.3rem; margin: 0 0 .25rem; } h2 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; }
nav a { margin-right: 1rem; } .muted { color: #667085; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #e4e7ec; vertical-align: top; }
th { background: #f2f4f7; font-weight: 600; } .n { text-align: right; font-variant-numeric: tabular-nums; }
.closed { color: #067647; } .open { color: #b42318; font-weight: 600; } .half-open { color: #b54708; font-weight: 600; }
.bad { color: #b42318; font-weight: 600; } code { font-size: 12px; } .reason { max-width: 40rem; word-break: break-word; }
`;

const age = (seconds: number | null) => {
  if (seconds === null) return '—';
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
};
const percent = (rate: number) => `${(rate * 100).toFixed(1)} %`;

function queuesTable(status: AdminStatus): string {
  const rows = status.queues.map(
    (q) => `<tr><td><a href="/admin/queues/queue/${encodeURIComponent(q.name)}">${escapeHtml(q.name)}</a></td>
<td class="n">${q.waiting}</td><td class="n">${q.active}</td><td class="n">${q.delayed}</td><td class="n${q.failed > 0 ? ' bad' : ''}">${q.failed}</td><td class="n">${age(q.oldestWaitingSeconds)}</td></tr>`,
  );
  return `<table id="queues"><thead><tr><th>queue</th><th class="n">waiting</th><th class="n">active</th><th class="n">delayed</th><th class="n">failed</th><th class="n">oldest waiting</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>`;
}

function providersTable(status: AdminStatus): string {
  if (status.providers.length === 0) return '<p class="muted">No provider is configured.</p>';
  const rows = status.providers.map(
    (p) => `<tr><td>${escapeHtml(p.id)}</td><td>${escapeHtml(p.capability)}</td><td><code>${escapeHtml(p.model)}</code></td>
<td class="${escapeHtml(p.state)}">${escapeHtml(p.state)}</td><td>${p.cooldownUntil ? escapeHtml(p.cooldownUntil) : '—'}</td>
<td class="n">${p.calls}</td><td class="n${p.errorRate > 0 ? ' bad' : ''}">${percent(p.errorRate)}</td><td class="n">${p.latencyMs === null ? '—' : `${p.latencyMs} ms`}</td>
<td class="reason">${escapeHtml(p.reason ?? '')}</td></tr>`,
  );
  return `<table id="providers"><thead><tr><th>provider</th><th>capability</th><th>model</th><th>breaker</th><th>cooldown until</th>
<th class="n">calls (1 min)</th><th class="n">error rate</th><th class="n">latency</th><th>reason</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>`;
}

function failuresTable(status: AdminStatus): string {
  if (status.recentFailures.length === 0) return '<p class="muted" id="failures">No failed job in any queue.</p>';
  const rows = status.recentFailures.map(
    (f) => `<tr><td>${f.failedAt ? escapeHtml(f.failedAt) : '—'}</td><td>${escapeHtml(f.queue)}</td>
<td><a href="/admin/queues/queue/${encodeURIComponent(f.queue)}/${encodeURIComponent(f.id)}"><code>${escapeHtml(f.id)}</code></a></td>
<td>${escapeHtml(f.name)}</td><td class="n">${f.attemptsMade}</td><td class="reason">${escapeHtml(f.failedReason)}</td></tr>`,
  );
  return `<table id="failures"><thead><tr><th>failed at</th><th>queue</th><th>job</th><th>type</th><th class="n">attempts</th><th>reason</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>`;
}

/** The status page: server-rendered, no script, no external asset. */
export function renderAdminPage(status: AdminStatus, options: { nonce: string; queueActions: boolean }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${REFRESH_SECONDS}">
<title>voxq status</title>
<style nonce="${escapeHtml(options.nonce)}">${STYLE}</style>
</head>
<body>
<h1>voxq status</h1>
<p class="muted">As of ${escapeHtml(status.generatedAt)}; reloads every ${REFRESH_SECONDS} s.</p>
<nav><a href="/admin/queues">Queues (bull-board${options.queueActions ? '' : ', read-only'})</a><a href="/admin/status.json">status.json</a></nav>
<h2>Queues</h2>
${queuesTable(status)}
<h2>Providers</h2>
${providersTable(status)}
<h2>Recent failures</h2>
<p class="muted">Newest first, at most ${RECENT_FAILURES}, across every tenant and queue (BullMQ's failed sets); job payloads are never shown here.</p>
${failuresTable(status)}
</body>
</html>
`;
}
