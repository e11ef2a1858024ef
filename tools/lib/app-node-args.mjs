// The Node flags each app runs with, wherever voxq starts it (npm start, the bench, the chaos
// suite, the tests that start an app as a process, and the image's entrypoint, which
// apps/e2e/src/app-node-args.spec.ts checks says the same). The list is apps/node-args.json:
//
//   api  --max-semi-space-size=4 (MB; V8's default is 16). The API's garbage is request-sized and
//        short-lived, and a streamed upload's socket chunks and multipart buffers are freed only
//        when a scavenge finds them dead: with 16 MB semi-spaces a 1 GiB upload left 40-48 MB of
//        dead buffers between scavenges and the young generation kept 32 MB committed, idle or
//        not. At 4: 18 MB less RSS idle and a peak of 163-167 MB against 184-199 MB on the same
//        upload (apps/e2e/src/uploads.int.spec.ts). Semi-space sizes are fixed when the heap is
//        made, so this must be a command-line flag (v8.setFlagsFromString at start has no effect).
import { readFileSync } from 'node:fs';

const ARGS = JSON.parse(readFileSync(new URL('../../apps/node-args.json', import.meta.url), 'utf8'));

/** The flags to put before `dist/apps/<app>/main.js`. */
export const nodeArgsOf = (app) => ARGS[app] ?? [];
