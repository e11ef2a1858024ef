import { describe, expect, it, vi } from 'vitest';
import { drainWorker, type DrainableWorker } from './drain';

/** A worker whose close completes when its running jobs do, which is when `finish` is called. */
function fakeWorker() {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const worker: DrainableWorker & { close: ReturnType<typeof vi.fn> } = { close: vi.fn(() => done) };
  return { worker, finish };
}

describe('drainWorker', () => {
  it('closes the worker, which waits for its running jobs', async () => {
    const { worker, finish } = fakeWorker();
    const result = drainWorker(worker, new AbortController().signal);
    setTimeout(finish, 20);
    expect(await result).toBe('drained');
    expect(worker.close).toHaveBeenCalledOnce();
    expect(worker.close).toHaveBeenCalledWith();
  });

  it('past the deadline asks for the jobs back and returns once they are', async () => {
    const { worker, finish } = fakeWorker();
    const deadline = new AbortController();
    const onDeadline = vi.fn(() => void setTimeout(finish, 10));
    const result = drainWorker(worker, deadline.signal, { onDeadline });
    deadline.abort();
    expect(await result).toBe('released');
    expect(onDeadline).toHaveBeenCalledOnce();
    expect(worker.close).toHaveBeenCalledOnce();
  });

  it('stops waiting for a worker whose jobs do not stop', async () => {
    const { worker } = fakeWorker();
    const deadline = AbortSignal.abort();
    expect(await drainWorker(worker, deadline, { onDeadline: () => undefined, releaseMs: 20 })).toBe('abandoned');
    expect(await drainWorker(fakeWorker().worker, deadline)).toBe('abandoned');
  });
});
