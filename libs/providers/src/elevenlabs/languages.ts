/**
 * Primary subtags `eleven_multilingual_v2` speaks (29 languages; `fil` is Filipino). Flash
 * and Turbo v2.5 add `hu`, `no` and `vi`: pass `languages` to the factory when using them.
 */
export const ELEVENLABS_LANGUAGES: readonly string[] = 'ar bg cs da de el en es fi fil fr hi hr id it ja ko ms nl pl pt ro ru sk sv ta tr uk zh'.split(' ');
