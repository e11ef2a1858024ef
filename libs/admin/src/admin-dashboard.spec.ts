import { describe, expect, it } from 'vitest';
import { adminAuthorized } from './admin-auth';
import { adminPageCsp, renderAdminPage } from './admin-page';
import type { AdminStatus } from './admin-status';
import { redactSecrets } from './bull-board';

const TOKEN = 'a-long-admin-token-0123456789';
const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`;

describe('adminAuthorized', () => {
  it('accepts the token as a bearer token or as the Basic password of user admin', () => {
    expect(adminAuthorized(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(adminAuthorized(`bearer   ${TOKEN}`, TOKEN)).toBe(true);
    expect(adminAuthorized(basic(`admin:${TOKEN}`), TOKEN)).toBe(true);
  });

  it('refuses anything else', () => {
    for (const header of [
      undefined,
      '',
      'Bearer',
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(1)}`,
      `Token ${TOKEN}`,
      basic(`root:${TOKEN}`),
      basic(`admin:${TOKEN}:`),
      basic(`admin${TOKEN}`),
      basic('admin:'),
      `Basic ${TOKEN}`,
      `Basic`,
    ]) {
      expect(adminAuthorized(header, TOKEN), String(header)).toBe(false);
    }
  });
});

describe('the status page', () => {
  const hostile = '<script>alert(1)</script>"\'&';
  const status: AdminStatus = {
    object: 'admin_status',
    generatedAt: '2026-11-25T12:00:00.000Z',
    queues: [{ name: 'complete', waiting: 3, active: 1, delayed: 0, failed: 2, oldestWaitingSeconds: 95 }],
    providers: [
      {
        id: 'openai',
        capability: 'llm',
        model: hostile,
        state: 'open',
        cooldownUntil: '2026-11-25T12:01:00.000Z',
        reason: hostile,
        calls: 10,
        errorRate: 0.5,
        latencyMs: 812,
      },
    ],
    recentFailures: [{ queue: 'complete', id: 'job_1', name: 'complete', failedReason: hostile, attemptsMade: 3, failedAt: '2026-11-25T11:59:00.000Z' }],
  };

  it('escapes everything that came from Redis and carries no script', () => {
    const html = renderAdminPage(status, { nonce: 'n0nce', queueActions: false });
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;');
    expect(html).toContain('<style nonce="n0nce">');
    expect(html).toContain('bull-board, read-only');
    expect(html).toContain('95 s');
    expect(html).toContain('50.0 %');
    expect(html).toContain('href="/admin/queues/queue/complete/job_1"');
  });

  it('has a CSP allowing only its nonce-tagged style', () => {
    expect(adminPageCsp('abc')).toBe("default-src 'none'; style-src 'nonce-abc'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
  });
});

describe('redactSecrets (bull-board answers)', () => {
  it('blanks secret-named fields at any depth and leaves the rest', () => {
    const body = {
      jobs: [
        { id: 'job_1', data: { tenantId: 't', tools: [{ source: { kind: 'webhook', url: 'https://x', authHeaders: { 'x-key': 'shh' } } }], maxTokens: 5 } },
      ],
      counts: { failed: 1 },
    };
    expect(redactSecrets(body)).toEqual({
      jobs: [{ id: 'job_1', data: { tenantId: 't', tools: [{ source: { kind: 'webhook', url: 'https://x', authHeaders: '[redacted]' } }], maxTokens: 5 } }],
      counts: { failed: 1 },
    });
    expect(redactSecrets('text')).toBe('text');
  });
});
