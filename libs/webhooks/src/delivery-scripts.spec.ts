import { describe, expect, it } from 'vitest';
import { WEBHOOK_DELIVERY_STATES } from '@voxq/contracts';
import transitionLua from './scripts/delivery-transition.lua';

describe('delivery-transition.lua', () => {
  it('lists the delivery states in WEBHOOK_DELIVERY_STATES order (its KEYS are the state indexes in that order)', () => {
    const states = /local states = \{([^}]*)\}/.exec(transitionLua)?.[1];
    expect(states?.split(',').map((s) => s.trim().replaceAll("'", ''))).toEqual([...WEBHOOK_DELIVERY_STATES]);
  });
});
