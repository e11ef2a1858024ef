import { z } from 'zod';
import { defineVendor } from '../vendor';
import { flagVar, textVar } from '../vendor-env';
import { POCKETSPHINX_STT_PROFILE } from './profile';
import { createPocketsphinxStt } from './transcribe';

/** The local pocketsphinx engine (Debian packages; sox converts its input): no key, no network. */
export const pocketsphinx = defineVendor({
  name: 'pocketsphinx',
  env: z.object({
    POCKETSPHINX_ENABLED: flagVar(true, 'Offer the local pocketsphinx engine for speech to text (English).'),
    POCKETSPHINX_BIN: textVar('pocketsphinx_continuous', 'The pocketsphinx binary.'),
    SOX_BIN: textVar('sox', 'The sox binary, which converts input audio for pocketsphinx.'),
  }),
  providers: (env, { localEngines }) =>
    env.POCKETSPHINX_ENABLED
      ? [
          {
            provider: createPocketsphinxStt({ bin: env.POCKETSPHINX_BIN, soxBin: env.SOX_BIN, limiter: localEngines }),
            profile: POCKETSPHINX_STT_PROFILE,
          },
        ]
      : 'POCKETSPHINX_ENABLED=false',
});
