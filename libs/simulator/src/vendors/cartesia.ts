import { json, type SimVendor } from '../vendor';

/** cartesia's wire format. */
export const cartesia: SimVendor = {
  name: 'cartesia',
  basePath: '',
  routes: [],
  authenticate: () => null,
  error: (status, message) => json(status, { error: message }),
};
