import { z } from 'zod';
import { defineVendor } from '../vendor';
import { apiKeyVar, baseUrlVar, textVar } from '../vendor-env';
import { DEEPGRAM_STT_PROFILE } from './profile';
import { createDeepgramStt } from './transcribe';

/** Deepgram speech to text. */
export const deepgram = defineVendor({
  name: 'deepgram',
  env: z.object({
    DEEPGRAM_API_KEY: apiKeyVar('Deepgram key; unset: Deepgram is not a provider.'),
    DEEPGRAM_BASE_URL: baseUrlVar('https://api.deepgram.com', 'Without the version segment.'),
    DEEPGRAM_MODEL: textVar('nova-2', 'Model when a job names none.'),
  }),
  providers: (env) =>
    env.DEEPGRAM_API_KEY
      ? [
          {
            provider: createDeepgramStt({ baseUrl: env.DEEPGRAM_BASE_URL, apiKey: env.DEEPGRAM_API_KEY, defaultModel: env.DEEPGRAM_MODEL }),
            profile: DEEPGRAM_STT_PROFILE,
            upstream: env.DEEPGRAM_BASE_URL,
          },
        ]
      : 'DEEPGRAM_API_KEY unset',
});
