import { z } from 'zod';
import { openAiCompatibleEntries } from '../openai-compatible/entries';
import { defineVendor } from '../vendor';
import { apiKeyVar, baseUrlVar, textVar } from '../vendor-env';
import {
  OPENAI_EMBEDDING_MODELS,
  OPENAI_EMBEDDING_PROFILE,
  OPENAI_IMAGE_MODELS,
  OPENAI_IMAGE_PROFILE,
  OPENAI_LLM_PROFILE,
  OPENAI_REALTIME_PROFILE,
  OPENAI_STT_PROFILE,
  OPENAI_TTS_PROFILE,
} from './profile';

/** OpenAI (chat, Whisper, speech, embeddings, images, realtime sessions), or any OpenAI-compatible server by base URL. */
export const openai = defineVendor({
  name: 'openai',
  env: z.object({
    OPENAI_API_KEY: apiKeyVar('OpenAI key; unset: OpenAI is not a provider.'),
    OPENAI_BASE_URL: baseUrlVar('https://api.openai.com/v1', 'Up to and including the version segment; any OpenAI-compatible server.'),
    OPENAI_MODEL: textVar('gpt-4o-mini', 'Chat model when a job names none.'),
    OPENAI_STT_MODEL: textVar('whisper-1', 'Transcription model when a job names none.'),
    OPENAI_TTS_MODEL: textVar('tts-1', 'Speech model when a job names none.'),
    OPENAI_TTS_VOICE: textVar('alloy', 'Voice when a job names none.'),
    OPENAI_EMBEDDING_MODEL: textVar('text-embedding-3-small', 'Embedding model when a job names none.'),
    OPENAI_IMAGE_MODEL: textVar('gpt-image-1', 'Image model when a job names none.'),
    OPENAI_REALTIME_MODEL: textVar('gpt-realtime', 'Realtime session model when a client names none of the others it serves.'),
  }),
  providers: (env) =>
    env.OPENAI_API_KEY
      ? openAiCompatibleEntries(
          { name: 'openai', baseUrl: env.OPENAI_BASE_URL, apiKey: env.OPENAI_API_KEY },
          {
            llm: { model: env.OPENAI_MODEL, profile: OPENAI_LLM_PROFILE },
            // whisper-1 is the model OpenAI's translations endpoint serves.
            stt: { model: env.OPENAI_STT_MODEL, profile: OPENAI_STT_PROFILE, translateModel: 'whisper-1' },
            tts: { model: env.OPENAI_TTS_MODEL, voice: env.OPENAI_TTS_VOICE, profile: OPENAI_TTS_PROFILE },
            embedding: { model: env.OPENAI_EMBEDDING_MODEL, models: OPENAI_EMBEDDING_MODELS, profile: OPENAI_EMBEDDING_PROFILE },
            image: { model: env.OPENAI_IMAGE_MODEL, models: OPENAI_IMAGE_MODELS, profile: OPENAI_IMAGE_PROFILE },
            realtime: { model: env.OPENAI_REALTIME_MODEL, profile: OPENAI_REALTIME_PROFILE },
          },
        )
      : 'OPENAI_API_KEY unset',
});
