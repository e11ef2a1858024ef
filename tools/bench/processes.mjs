// Child processes of the benchmark: started here, tracked, and all stopped on the way out
// (normal end, failure or Ctrl-C), so a run never leaves a process behind.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

const children = new Set();
let closed = false;

// Last resort: whatever is still running when this process exits goes with it.
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** Last lines of a child's output, shown when something goes wrong. */
class Tail {
  lines = [];
  push(chunk) {
    for (const line of String(chunk).split('\n')) if (line.trim()) this.lines.push(line);
    if (this.lines.length > 40) this.lines.splice(0, this.lines.length - 40);
  }
  toString() {
    return this.lines.join('\n');
  }
}

/**
 * Starts `command args` with its output captured (not echoed). The returned child has
 * `name`, `tail` (recent output) and `exited` (a promise of the exit code or signal).
 */
export function start(name, command, args, { env, ipc = false } = {}) {
  if (closed) throw new Error(`not starting ${name}: the benchmark is stopping`);
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe', ...(ipc ? ['ipc'] : [])] });
  child.name = name;
  child.tail = new Tail();
  child.stdout.on('data', (c) => child.tail.push(c));
  child.stderr.on('data', (c) => child.tail.push(c));
  child.exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve(signal ?? code);
    });
    child.once('error', (error) => {
      children.delete(child);
      child.tail.push(String(error));
      resolve(-1);
    });
  });
  children.add(child);
  return child;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the child is gone. */
export async function stop(child, graceMs = 10_000) {
  if (child.exitCode !== null || child.signalCode !== null || !children.has(child)) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await child.exited;
  clearTimeout(timer);
}

export async function stopAll() {
  closed = true;
  // Newest first: apps stop before the redis-server they talk to.
  for (const child of [...children].reverse()) await stop(child);
}

/** Rejects when `child` exits before `promise` settles (a crashed app fails the run at once). */
export function unlessExited(child, promise) {
  return Promise.race([
    promise,
    child.exited.then((code) => {
      throw new Error(`${child.name} exited (${code}) unexpectedly. Its last output:\n${child.tail}`);
    }),
  ]);
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux.

/** CPU seconds (user + system) a process has used so far, or null off Linux. */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}
