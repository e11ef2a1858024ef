// The chaos suite's webhook receiver: records every delivery it accepts (webhook-id, event
// type, job id, the event's data) after checking its Standard Webhooks signature, and can be
// taken down: `unavailable` answers 503 with Retry-After, `refusing` closes the port so
// connections are refused, `up` listens again on the same port; `slow` answers late.
import { createServer } from 'node:http';
import { Webhook } from 'standardwebhooks';

export async function startReceiver(secret) {
  const verifier = new Webhook(secret);
  /** jobId → [{ webhookId, type, data (JSON text) }] */
  const byJob = new Map();
  const stats = { accepted: 0, refused503: 0, badSignature: 0, badBody: 0 };
  let mode = 'up';
  /** Answer this long after recording a delivery (a receiver that works before it answers). */
  let answerDelayMs = 0;

  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      if (mode !== 'up') {
        stats.refused503 += 1;
        res.writeHead(503, { 'retry-after': '1' }).end();
        return;
      }
      const body = Buffer.concat(chunks).toString('utf8');
      let event;
      try {
        event = verifier.verify(body, req.headers);
      } catch {
        stats.badSignature += 1;
        res.writeHead(400).end();
        return;
      }
      const jobId = event?.data?.id;
      if (typeof jobId !== 'string' || req.headers['webhook-id'] !== event.id) {
        stats.badBody += 1;
        res.writeHead(400).end();
        return;
      }
      stats.accepted += 1;
      const list = byJob.get(jobId) ?? [];
      list.push({ webhookId: req.headers['webhook-id'], type: event.type, data: JSON.stringify(event.data) });
      byJob.set(jobId, list);
      if (answerDelayMs > 0) setTimeout(() => res.writeHead(204).end(), answerDelayMs);
      else res.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 10_000;
  const listen = (port) =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve(server.address().port);
      });
    });
  const port = await listen(0);

  return {
    url: `http://127.0.0.1:${port}/hooks`,
    byJob,
    stats,
    get mode() {
      return mode;
    },
    /** Records each delivery at once but answers `ms` later (0: at once). */
    slow(ms) {
      answerDelayMs = ms;
    },
    /** 503 with `Retry-After: 1` for every delivery. */
    unavailable() {
      mode = 'unavailable';
    },
    /** Closes the port: the dispatcher's connections are refused. */
    async refusing() {
      mode = 'refusing';
      await new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
    async up() {
      if (mode === 'refusing') await listen(port);
      mode = 'up';
    },
    close: () =>
      new Promise((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
