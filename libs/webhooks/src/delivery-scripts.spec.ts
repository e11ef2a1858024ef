import { describe, expect, it } from 'vitest';
import { WEBHOOK_DELIVERY_STATES } from '@voxq/contracts';
import { FINAL_DELIVERY_STATES } from './delivery-store';
import transitionLua from './scripts/delivery-transition.lua';

describe('delivery-transition.lua', () => {
  it('lists the delivery states in WEBHOOK_DELIVERY_STATES order (its KEYS are the state indexes in that order)', () => {
    const states = /local states = \{([^}]*)\}/.exec(transitionLua)?.[1];
    expect(states?.split(',').map((s) => s.trim().replaceAll("'", ''))).toEqual([...WEBHOOK_DELIVERY_STATES]);
  });

  it('knows the final states FINAL_DELIVERY_STATES names (a delivery reaching one waits for the history mover)', () => {
    const final = /local final = \{([^}]*)\}/.exec(transitionLua)?.[1];
    expect(final?.split(',').map((s) => s.trim().replace(/ = true$/, ''))).toEqual([...FINAL_DELIVERY_STATES]);
  });
});
