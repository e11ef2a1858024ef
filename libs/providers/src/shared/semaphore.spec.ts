import { describe, expect, it } from 'vitest';
import { Semaphore } from './semaphore';

const never = new AbortController().signal;

describe('Semaphore', () => {
  it('grants up to its size at once and hands a released slot to the next waiter', async () => {
    const semaphore = new Semaphore(2);
    const first = await semaphore.acquire(never);
    await semaphore.acquire(never);
    let thirdGranted = false;
    const third = semaphore.acquire(never).then((release) => {
      thirdGranted = true;
      return release;
    });
    await Promise.resolve();
    expect(thirdGranted).toBe(false);
    expect(semaphore.pending).toBe(1);

    first();
    first(); // Releasing twice must not free a second slot.
    await third;
    expect(thirdGranted).toBe(true);
    expect(semaphore.pending).toBe(0);
  });

  it('drops a waiter whose signal aborts, rejecting with the reason', async () => {
    const semaphore = new Semaphore(1);
    const release = await semaphore.acquire(never);
    const controller = new AbortController();
    const waiting = semaphore.acquire(controller.signal);
    controller.abort(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
    expect(semaphore.pending).toBe(0);

    release();
    // The slot is free again, not leaked to the aborted waiter.
    const again = await semaphore.acquire(never);
    expect(again).toBeTypeOf('function');
  });

  it('rejects sizes below 1', () => {
    expect(() => new Semaphore(0)).toThrow(RangeError);
  });
});
