import { z } from 'zod';
import { defineVendor } from '../vendor';
import { flagVar, textVar } from '../vendor-env';
import { ESPEAK_TTS_PROFILE } from './profile';
import { createEspeakNgTts } from './synthesize';

/** The local espeak-ng engine (a Debian package): no key, no network. */
export const espeakNg = defineVendor({
  name: 'espeak-ng',
  env: z.object({
    ESPEAK_ENABLED: flagVar(true, 'Offer the local espeak-ng engine for text to speech.'),
    ESPEAK_BIN: textVar('espeak-ng', 'The espeak-ng binary.'),
  }),
  providers: (env, { localEngines }) =>
    env.ESPEAK_ENABLED
      ? [{ provider: createEspeakNgTts({ bin: env.ESPEAK_BIN, limiter: localEngines }), profile: ESPEAK_TTS_PROFILE }]
      : 'ESPEAK_ENABLED=false',
});
