import { z } from 'zod';
import { openAiCompatibleEntries } from '../openai-compatible/entries';
import { defineVendor } from '../vendor';
import { apiKeyVar, baseUrlVar, textVar } from '../vendor-env';
import { GROQ_LLM_PROFILE, GROQ_STT_PROFILE } from './profile';

/** Groq: OpenAI-compatible chat and Whisper, so only data. */
export const groq = defineVendor({
  name: 'groq',
  env: z.object({
    GROQ_API_KEY: apiKeyVar('Groq key; unset: Groq is not a provider.'),
    GROQ_BASE_URL: baseUrlVar('https://api.groq.com/openai/v1', "Groq's OpenAI-compatible endpoint."),
    GROQ_MODEL: textVar('llama-3.3-70b-versatile', 'Chat model when a job names none.'),
    GROQ_STT_MODEL: textVar('whisper-large-v3-turbo', 'Transcription model when a job names none.'),
  }),
  providers: (env) =>
    env.GROQ_API_KEY
      ? openAiCompatibleEntries(
          { name: 'groq', baseUrl: env.GROQ_BASE_URL, apiKey: env.GROQ_API_KEY },
          {
            llm: { model: env.GROQ_MODEL, profile: GROQ_LLM_PROFILE },
            // Groq translates with whisper-large-v3 only (its turbo model transcribes only).
            stt: { model: env.GROQ_STT_MODEL, profile: GROQ_STT_PROFILE, translateModel: 'whisper-large-v3' },
          },
        )
      : 'GROQ_API_KEY unset',
});
