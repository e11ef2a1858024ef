import type { VendorRoute } from '../vendor';

/** OpenAI-style `POST <base>/audio/speech`. */
export function speechRoutes(_basePattern: string): VendorRoute[] {
  return [];
}
