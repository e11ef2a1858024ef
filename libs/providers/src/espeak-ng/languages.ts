/**
 * Primary subtags espeak-ng 1.51 (Debian 12) has a voice for, from `espeak-ng --voices`.
 * espeak-ng resolves regional tags (`de-at`, `pt-pt`) to the nearest voice itself.
 */
export const ESPEAK_LANGUAGES: readonly string[] = (
  'af am an ar as az ba be bg bn bpy bs ca chr cmn cs cv cy da de el en eo es et eu fa fi fr ga gd gn grc gu ' +
  'hak haw he hi hr ht hu hy hyw ia id io is it ja jbo ka kk kl kn ko kok ku ky la lb lfn lt ltg lv mi mk ml mr ' +
  'ms mt my nb nci ne nl nog om or pa pap pl pt py qdb qu quc ro ru sd shn si sk sl smj sq sr sv sw ta te th tk ' +
  'tn tr tt ug uk ur uz vi yue zh'
).split(' ');
