import { describe, expect, it } from 'vitest';
import { nextStep } from './batch-watch';

const progress = (expanded: number, completed: number, failed = 0, cancelled = 0) => ({ expanded, completed, failed, cancelled });
const running = { cancelled: false, expired: false };

describe('nextStep', () => {
  it('waits while jobs are open', () => {
    expect(nextStep(progress(3, 2), 3, running)).toBe('wait');
  });

  it('waits while lines are still to be expanded, even when every job so far has ended', () => {
    expect(nextStep(progress(2, 2), 3, running)).toBe('wait');
  });

  it('completes once every line is a job and every job has ended', () => {
    expect(nextStep(progress(3, 1, 1, 1), 3, running)).toBe('completed');
  });

  it('ends a cancelled batch once its expanded jobs have ended, expanded or not', () => {
    expect(nextStep(progress(2, 1, 0, 1), 5, { cancelled: true, expired: false })).toBe('cancelled');
    expect(nextStep(progress(2, 1), 5, { cancelled: true, expired: false })).toBe('wait');
  });

  it('expires at once, whatever its jobs are doing', () => {
    expect(nextStep(progress(3, 0), 3, { cancelled: true, expired: true })).toBe('expired');
  });
});
