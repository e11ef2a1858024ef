import type { SimVendor } from '../vendor';
import { anthropic } from './anthropic';
import { cartesia } from './cartesia';
import { deepgram } from './deepgram';
import { elevenlabs } from './elevenlabs';
import { groq, openai } from './openai';

/**
 * Every vendor the simulator speaks, mounted at `/<name>`. OpenAI is also served without a
 * prefix (`/v1/chat/completions`), as a stand-in for any OpenAI-compatible server.
 */
export const VENDORS: readonly SimVendor[] = [openai, groq, anthropic, deepgram, elevenlabs, cartesia];

export const DEFAULT_VENDOR = openai;
