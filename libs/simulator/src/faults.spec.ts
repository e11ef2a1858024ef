import { afterEach, describe, expect, it, vi } from 'vitest';
import { chaosSchema, FaultPlan } from './faults';

describe('FaultPlan chaos', () => {
  afterEach(() => vi.restoreAllMocks());

  it('draws one fault kind per request from a mix, by its own rate', () => {
    const plan = new FaultPlan();
    plan.setChaos({
      mix: [
        { rate: 0.2, fault: { status: 503 } },
        { rate: 0.05, fault: { hang: true } },
      ],
    });
    const at = (draw: number) => {
      vi.spyOn(Math, 'random').mockReturnValueOnce(draw);
      return plan.next();
    };
    expect(at(0.1)).toEqual({ status: 503 });
    expect(at(0.22)).toEqual({ hang: true });
    expect(at(0.26)).toBeUndefined();
    expect(at(0.9)).toBeUndefined();
  });

  it('keeps the single-fault form, and queued faults come first', () => {
    const plan = new FaultPlan();
    plan.setChaos({ rate: 1 });
    plan.enqueue([{ status: 429, retryAfterSeconds: 1 }]);
    expect(plan.next()).toEqual({ status: 429, retryAfterSeconds: 1 });
    expect(plan.next()).toEqual({ status: 503 });
  });

  it('refuses a mix whose rates add up to more than 1', () => {
    expect(chaosSchema.safeParse({ mix: [{ rate: 0.6 }, { rate: 0.5 }] }).success).toBe(false);
    expect(chaosSchema.safeParse({ mix: [] }).success).toBe(false);
  });
});
