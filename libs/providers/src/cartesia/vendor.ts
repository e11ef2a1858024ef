import { z } from 'zod';
import { defineVendor } from '../vendor';
import { apiKeyVar, baseUrlVar, textVar } from '../vendor-env';
import { CARTESIA_TTS_PROFILE } from './profile';
import { createCartesiaTts } from './synthesize';

/** Cartesia text to speech (raw PCM). */
export const cartesia = defineVendor({
  name: 'cartesia',
  env: z.object({
    CARTESIA_API_KEY: apiKeyVar('Cartesia key; unset: Cartesia is not a provider.'),
    CARTESIA_BASE_URL: baseUrlVar('https://api.cartesia.ai', "Cartesia's API."),
    CARTESIA_MODEL: textVar('sonic-2', 'Model when a job names none.'),
    CARTESIA_VOICE: textVar('694f9389-aac1-45b6-b726-9d9369183238', 'Voice id when a job names none.'),
    CARTESIA_VERSION: textVar('2024-11-13', "The Cartesia-Version header: it selects the API's behaviour."),
  }),
  providers: (env) =>
    env.CARTESIA_API_KEY
      ? [
          {
            provider: createCartesiaTts({
              baseUrl: env.CARTESIA_BASE_URL,
              apiKey: env.CARTESIA_API_KEY,
              version: env.CARTESIA_VERSION,
              defaultModel: env.CARTESIA_MODEL,
              defaultVoice: env.CARTESIA_VOICE,
            }),
            profile: CARTESIA_TTS_PROFILE,
            upstream: env.CARTESIA_BASE_URL,
          },
        ]
      : 'CARTESIA_API_KEY unset',
});
