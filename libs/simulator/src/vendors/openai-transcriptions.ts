import type { VendorRoute } from '../vendor';

/** OpenAI-style `POST <base>/audio/transcriptions` (multipart), for OpenAI and Groq. */
export function transcriptionRoutes(_basePattern: string): VendorRoute[] {
  return [];
}
