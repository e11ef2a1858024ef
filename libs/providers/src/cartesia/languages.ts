/** The languages Cartesia documents for `language` on `/tts/bytes` (sonic-2), as primary subtags. */
export const CARTESIA_LANGUAGES: readonly string[] = 'de en es fr hi it ja ko nl pl pt ru sv tr zh'.split(' ');
