import { json, type SimVendor } from '../vendor';

/** elevenlabs's wire format. */
export const elevenlabs: SimVendor = {
  name: 'elevenlabs',
  basePath: '',
  routes: [],
  authenticate: () => null,
  error: (status, message) => json(status, { error: message }),
};
