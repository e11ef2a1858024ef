// The chaos suite's app processes: each started from its build in dist/, its output kept in
// a log file per app (the report reads them afterwards), and an exit nobody asked for noted
// as a failure of the run.
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { start, stop } from '../bench/processes.mjs';
import { sleep } from '../bench/wait.mjs';
import { nodeArgsOf } from '../lib/app-node-args.mjs';

/** Resolves when the child prints `text` (its logs are JSON lines; LOG_LEVEL must show it). */
export function logged(child, text, timeoutMs) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${child.name} did not log '${text}' within ${timeoutMs} ms:\n${child.tail}`)), timeoutMs);
    const on = (chunk) => {
      if (!String(chunk).includes(text)) return;
      clearTimeout(timer);
      child.stdout.off('data', on);
      resolve();
    };
    child.stdout.on('data', on);
  });
}

/**
 * The apps of one run, by name. `at` and `step` are the run's clock and log line: an
 * unexpected exit is reported when it happens, and again in the verdict.
 */
export function createApps({ logDir, at, step }) {
  const apps = new Map(); // name → child (the latest one started under that name)
  const unexpectedExits = [];

  function app(name, script, env) {
    const child = start(name, process.execPath, [...nodeArgsOf(script), `dist/apps/${script}/main.js`], { env });
    const file = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' });
    child.stdout.pipe(file, { end: false });
    child.stderr.pipe(file, { end: false });
    child.expectedExit = false;
    void child.exited.then((code) => {
      file.end();
      // A child replaced by a restart under the same name is no longer the app's.
      if (!child.expectedExit && apps.get(name) === child) {
        unexpectedExits.push({ name, code, at: at(), tail: String(child.tail).split('\n').slice(-8).join('\n') });
        step(`!! ${name} exited unexpectedly (${code})`);
      }
    });
    apps.set(name, child);
    return child;
  }

  /**
   * SIGKILL, 1 s down, started again and waited for until it serves its queue (it logs
   * `ready`): the next fault waits for that, so a Redis outage never meets an app still
   * starting (whose start-up check refuses to start without Redis: see docs/chaos.md).
   */
  async function killAndRestart(name, startApp, ready) {
    const child = apps.get(name);
    child.expectedExit = true;
    child.kill('SIGKILL');
    await child.exited;
    await sleep(1_000);
    await logged(startApp(name), ready, 30_000);
  }

  /** Stops every app gracefully (their shutdown talks to Redis: call this before stopping it). */
  async function stopApps() {
    for (const child of apps.values()) child.expectedExit = true;
    await Promise.all([...apps.values()].map((child) => stop(child, 5_000)));
  }

  return { apps, unexpectedExits, app, killAndRestart, stopApps };
}
