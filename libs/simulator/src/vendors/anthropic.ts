import { json, type SimVendor } from '../vendor';

/** anthropic's wire format. */
export const anthropic: SimVendor = {
  name: 'anthropic',
  basePath: '',
  routes: [],
  authenticate: () => null,
  error: (status, message) => json(status, { error: message }),
};
