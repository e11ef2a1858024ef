import { z } from 'zod';
import { defineVendor } from '../vendor';
import { apiKeyVar, baseUrlVar, textVar } from '../vendor-env';
import { createAnthropicLlm } from './complete';
import { ANTHROPIC_LLM_PROFILE } from './profile';

/** Anthropic Messages API. */
export const anthropic = defineVendor({
  name: 'anthropic',
  env: z.object({
    ANTHROPIC_API_KEY: apiKeyVar('Anthropic key; unset: Anthropic is not a provider.'),
    ANTHROPIC_BASE_URL: baseUrlVar('https://api.anthropic.com', 'Without the version segment, as Anthropic documents it.'),
    ANTHROPIC_MODEL: textVar('claude-sonnet-4-5', 'Model when a job names none.'),
    ANTHROPIC_VERSION: textVar('2023-06-01', 'The anthropic-version header: it pins the wire format.'),
  }),
  providers: (env) =>
    env.ANTHROPIC_API_KEY
      ? [
          {
            provider: createAnthropicLlm({
              baseUrl: env.ANTHROPIC_BASE_URL,
              apiKey: env.ANTHROPIC_API_KEY,
              version: env.ANTHROPIC_VERSION,
              defaultModel: env.ANTHROPIC_MODEL,
            }),
            profile: ANTHROPIC_LLM_PROFILE,
            upstream: env.ANTHROPIC_BASE_URL,
          },
        ]
      : 'ANTHROPIC_API_KEY unset',
});
