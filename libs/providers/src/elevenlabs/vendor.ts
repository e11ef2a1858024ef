import { z } from 'zod';
import { defineVendor } from '../vendor';
import { apiKeyVar, baseUrlVar, textVar } from '../vendor-env';
import { ELEVENLABS_TTS_PROFILE } from './profile';
import { createElevenLabsTts } from './synthesize';

/** ElevenLabs text to speech. */
export const elevenlabs = defineVendor({
  name: 'elevenlabs',
  env: z.object({
    ELEVENLABS_API_KEY: apiKeyVar('ElevenLabs key; unset: ElevenLabs is not a provider.'),
    ELEVENLABS_BASE_URL: baseUrlVar('https://api.elevenlabs.io', 'Without the version segment.'),
    ELEVENLABS_MODEL: textVar('eleven_multilingual_v2', 'Model when a job names none.'),
    ELEVENLABS_VOICE: textVar('21m00Tcm4TlvDq8ikWAM', 'Voice id when a job names none (Rachel).'),
  }),
  providers: (env) =>
    env.ELEVENLABS_API_KEY
      ? [
          {
            provider: createElevenLabsTts({
              baseUrl: env.ELEVENLABS_BASE_URL,
              apiKey: env.ELEVENLABS_API_KEY,
              defaultModel: env.ELEVENLABS_MODEL,
              defaultVoice: env.ELEVENLABS_VOICE,
            }),
            profile: ELEVENLABS_TTS_PROFILE,
            upstream: env.ELEVENLABS_BASE_URL,
          },
        ]
      : 'ELEVENLABS_API_KEY unset',
});
