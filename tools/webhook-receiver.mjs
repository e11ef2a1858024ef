// A webhook receiver for trying voxq out: prints each delivery and whether its Standard
// Webhooks signature verifies. `WEBHOOK_SECRET=whsec_... PORT=9000 npm run webhook-receiver`
// (PORT: where it listens on 127.0.0.1, 9000 by default).
import { createServer } from 'node:http';
import { Webhook } from 'standardwebhooks';

const secret = process.env.WEBHOOK_SECRET;
const port = Number(process.env.PORT ?? 9000);
if (!secret?.startsWith('whsec_')) {
  console.error('Set WEBHOOK_SECRET to the tenant secret printed by `npm run keys -- create`.');
  process.exit(2);
}
const verifier = new Webhook(secret);

createServer(async (req, res) => {
  // A GET is someone checking the receiver is up (the README's walk-through waits for it).
  if (req.method === 'GET') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('ready\n');
  let body = '';
  for await (const chunk of req) body += chunk;
  let verdict;
  try {
    verifier.verify(body, req.headers);
    verdict = 'signature OK';
  } catch (error) {
    verdict = `signature INVALID (${error.message})`;
  }
  console.log(`\n${new Date().toISOString()} ${req.method} ${req.url}  webhook-id=${req.headers['webhook-id']}  ${verdict}`);
  console.log(body);
  res.writeHead(verdict === 'signature OK' ? 204 : 401).end();
}).listen(port, '127.0.0.1', () => console.log(`Listening for webhooks on http://127.0.0.1:${port}/`));
