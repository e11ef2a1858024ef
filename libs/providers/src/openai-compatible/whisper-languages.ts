/**
 * Whisper's languages by ISO-639-1 code, with the names `verbose_json` reports them by
 * (openai/whisper `tokenizer.py`; Groq capitalises them). Whisper's two codes outside
 * ISO-639-1 (`haw`, `yue`) are left out: the hosted APIs accept ISO-639-1 only.
 */
const WHISPER_LANGUAGE_NAMES: Readonly<Record<string, string>> = {
  af: 'afrikaans', am: 'amharic', ar: 'arabic', as: 'assamese', az: 'azerbaijani', ba: 'bashkir', be: 'belarusian',
  bg: 'bulgarian', bn: 'bengali', bo: 'tibetan', br: 'breton', bs: 'bosnian', ca: 'catalan', cs: 'czech', cy: 'welsh',
  da: 'danish', de: 'german', el: 'greek', en: 'english', es: 'spanish', et: 'estonian', eu: 'basque', fa: 'persian',
  fi: 'finnish', fo: 'faroese', fr: 'french', gl: 'galician', gu: 'gujarati', ha: 'hausa', he: 'hebrew', hi: 'hindi',
  hr: 'croatian', ht: 'haitian creole', hu: 'hungarian', hy: 'armenian', id: 'indonesian', is: 'icelandic', it: 'italian',
  ja: 'japanese', jw: 'javanese', ka: 'georgian', kk: 'kazakh', km: 'khmer', kn: 'kannada', ko: 'korean', la: 'latin',
  lb: 'luxembourgish', ln: 'lingala', lo: 'lao', lt: 'lithuanian', lv: 'latvian', mg: 'malagasy', mi: 'maori',
  mk: 'macedonian', ml: 'malayalam', mn: 'mongolian', mr: 'marathi', ms: 'malay', mt: 'maltese', my: 'myanmar',
  ne: 'nepali', nl: 'dutch', nn: 'nynorsk', no: 'norwegian', oc: 'occitan', pa: 'punjabi', pl: 'polish', ps: 'pashto',
  pt: 'portuguese', ro: 'romanian', ru: 'russian', sa: 'sanskrit', sd: 'sindhi', si: 'sinhala', sk: 'slovak',
  sl: 'slovenian', sn: 'shona', so: 'somali', sq: 'albanian', sr: 'serbian', su: 'sundanese', sv: 'swedish',
  sw: 'swahili', ta: 'tamil', te: 'telugu', tg: 'tajik', th: 'thai', tk: 'turkmen', tl: 'tagalog', tr: 'turkish',
  tt: 'tatar', uk: 'ukrainian', ur: 'urdu', uz: 'uzbek', vi: 'vietnamese', yi: 'yiddish', yo: 'yoruba', zh: 'chinese',
};

const CODE_BY_NAME = new Map(Object.entries(WHISPER_LANGUAGE_NAMES).map(([code, name]) => [name, code]));

/** The primary subtags Whisper transcribes, for the provider's `languages`. */
export const WHISPER_LANGUAGES: readonly string[] = Object.keys(WHISPER_LANGUAGE_NAMES);

/** A reported language (`english`, `English`, or a code from a compatible server) as its code; undefined when unknown. */
export function whisperLanguageCode(reported: string): string | undefined {
  const value = reported.trim().toLowerCase();
  if (Object.hasOwn(WHISPER_LANGUAGE_NAMES, value)) return value;
  return CODE_BY_NAME.get(value);
}
