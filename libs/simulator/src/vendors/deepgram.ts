import { json, type SimVendor } from '../vendor';

/** deepgram's wire format. */
export const deepgram: SimVendor = {
  name: 'deepgram',
  basePath: '',
  routes: [],
  authenticate: () => null,
  error: (status, message) => json(status, { error: message }),
};
