import { decimalWords, integerWords, numeralWords, ordinalWords, yearWords } from './number-words';

type Rule = [RegExp, (...groups: string[]) => string];

/** Digits as written: `1,250`, `1250`. */
const NUMERAL = String.raw`\d{1,3}(?:,\d{3})+|\d+`;

interface CurrencyUnit {
  one: string;
  many: string;
  minorOne: string;
  minorMany: string;
}
const DOLLAR: CurrencyUnit = { one: 'dollar', many: 'dollars', minorOne: 'cent', minorMany: 'cents' };
const EURO: CurrencyUnit = { one: 'euro', many: 'euros', minorOne: 'cent', minorMany: 'cents' };
const POUND: CurrencyUnit = { one: 'pound', many: 'pounds', minorOne: 'penny', minorMany: 'pence' };
const CURRENCIES: Readonly<Record<string, CurrencyUnit>> = { $: DOLLAR, USD: DOLLAR, '€': EURO, EUR: EURO, '£': POUND, GBP: POUND };
const SCALE_WORDS: Readonly<Record<string, string>> = { k: 'thousand', K: 'thousand', M: 'million', bn: 'billion', B: 'billion' };

/** `12.50` dollars → `twelve dollars and fifty cents`; with a scale (`2.5 million`) the amount is read as a decimal. */
function money(unit: CurrencyUnit, whole: string, fraction: string | undefined, scale: string | undefined): string {
  if (scale) {
    const amount = fraction ? decimalWords(`${whole}.${fraction}`) : numeralWords(whole);
    return `${amount} ${SCALE_WORDS[scale] ?? scale.toLowerCase()} ${unit.many}`;
  }
  const major = Number(whole.replace(/,/g, ''));
  const minor = fraction ? Number(fraction.padEnd(2, '0')) : 0;
  const majorWords = `${integerWords(major)} ${major === 1 ? unit.one : unit.many}`;
  const minorWords = `${integerWords(minor)} ${minor === 1 ? unit.minorOne : unit.minorMany}`;
  if (minor === 0) return majorWords;
  return major === 0 ? minorWords : `${majorWords} and ${minorWords}`;
}

const AMOUNT = String.raw`(${NUMERAL})(?:\.(\d{1,2}))?(?:\s?(thousand|million|billion|trillion|k|K|M|bn|B)\b)?`;

const MONTHS =
  'January|February|March|April|May|June|July|August|September|October|November|December|Jan\\.|Feb\\.|Mar\\.|Apr\\.|Aug\\.|Sept?\\.|Oct\\.|Nov\\.|Dec\\.';
/** Words after which a four-digit number is a year (`in 1999`, `since 2010`). */
const YEAR_CUES = 'in|since|by|from|until|till|before|after|during|year|circa|early|late|mid|of';
const YEAR = '1[1-9]\\d\\d|20\\d\\d';

/** `1990` → `nineteen nineties`. */
const decade = (year: string) => yearWords(Number(year)).replace(/y$/, 'ie') + 's';

const hourWords = (hour: string) => integerWords(Number(hour));
function clockWords(hour: string, minutes: string | undefined, meridiem: string | undefined): string {
  const suffix = meridiem ? ` ${meridiem.toLowerCase()}.m.` : '';
  if (!minutes || minutes === '00') return `${hourWords(hour)}${suffix || " o'clock"}`;
  const m = Number(minutes);
  return `${hourWords(hour)} ${m < 10 ? `oh ${integerWords(m)}` : integerWords(m)}${suffix}`;
}

/** Abbreviations read in full. A period that also ended the sentence stays (`etc.` at the end). */
const ABBREVIATIONS: Rule[] = [
  [/\be\.g\.(?=\s|,|$)/g, () => 'for example'],
  [/\bi\.e\.(?=\s|,|$)/g, () => 'that is'],
  [/\betc\.(?=(\s+[A-Z]|\s*$))/g, () => 'et cetera.'],
  [/\betc\./g, () => 'et cetera'],
  [/\bvs\.?(?=\s)/g, () => 'versus'],
  [/\bapprox\.(?=\s)/g, () => 'approximately'],
  // After a capitalised name and not before another, `Dr.` and `St.` are streets (`Elm Dr.`, `Main St.`).
  [/(?<=\b[A-Z][a-z]+ )Dr\.(?!\s+[A-Z])/g, () => 'Drive'],
  [/(?<=\b[A-Z][a-z]+ )St\.(?!\s+[A-Z])/g, () => 'Street'],
  [/\bDr\.(?=\s)/g, () => 'Doctor'],
  [/\bSt\.(?=\s)/g, () => 'Saint'],
  [/\bMrs\.(?=\s)/g, () => 'Missus'],
  [/\bMr\.(?=\s)/g, () => 'Mister'],
  [/\bMs\.(?=\s)/g, () => 'Miz'],
  [/\bProf\.(?=\s)/g, () => 'Professor'],
  [/\bJr\./g, () => 'Junior'],
  [/\bSr\./g, () => 'Senior'],
  [/\bMt\.(?=\s)/g, () => 'Mount'],
  [/\bAve\./g, () => 'Avenue'],
  [/\bNo\.\s?(?=\d)/g, () => 'number '],
  [/(?<![\w&])#(?=\d)/g, () => 'number '],
  [/\s&\s/g, () => ' and '],
];

/** Amounts, percentages, clock times, dates and years, ordinals, then any number left. */
const NUMBERS: Rule[] = [
  [
    new RegExp(String.raw`([$€£])\s?${AMOUNT}`, 'g'),
    (symbol, whole, fraction, scale) => money(CURRENCIES[symbol as string] as CurrencyUnit, whole as string, fraction, scale),
  ],
  [
    new RegExp(String.raw`\b(USD|EUR|GBP)\s?${AMOUNT}`, 'g'),
    (code, whole, fraction, scale) => money(CURRENCIES[code as string] as CurrencyUnit, whole as string, fraction, scale),
  ],
  [
    new RegExp(String.raw`(?<![\w.,])${AMOUNT}\s?(USD|EUR|GBP|€)(?!\w)`, 'g'),
    (whole, fraction, scale, code) => money(CURRENCIES[code as string] as CurrencyUnit, whole as string, fraction, scale),
  ],
  [
    new RegExp(String.raw`(?<![\w.])(-)?(${NUMERAL})(\.\d+)?\s?%`, 'g'),
    (minus, whole, fraction) => `${minus ? 'minus ' : ''}${decimalWords(`${whole}${fraction ?? ''}`)} percent`,
  ],
  [/\b([01]?\d|2[0-3]):([0-5]\d)(?!:?\d)(?:\s?([AaPp])\.?[Mm]\b\.?)?/g, (hour, minutes, meridiem) => clockWords(hour as string, minutes, meridiem)],
  [/\b(1[0-2]|0?[1-9])\s?([AaPp])\.?[Mm]\b\.?/g, (hour, meridiem) => clockWords(hour as string, undefined, meridiem)],
  [new RegExp(String.raw`\b(${YEAR})s\b`, 'g'), (year) => decade(year as string)],
  [/\b(\d{1,4})\s?(BCE|BC|CE|AD)\b/g, (year, era) => `${yearWords(Number(year))} ${[...(era as string)].join(' ')}`],
  [
    new RegExp(String.raw`\b(${MONTHS})\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:(,?\s+)(${YEAR})\b)?(?![.,:]\d)`, 'g'),
    (month, day, gap, year) => `${month} ${ordinalWords(Number(day))}${year ? `${gap}${yearWords(Number(year))}` : ''}`,
  ],
  [new RegExp(String.raw`\b(${MONTHS})\s+(${YEAR})\b(?![.,:]\d)`, 'g'), (month, year) => `${month} ${yearWords(Number(year))}`],
  [new RegExp(String.raw`\b(${YEAR_CUES})\s+(${YEAR})\b(?![.,:]\d)`, 'gi'), (cue, year) => `${cue} ${yearWords(Number(year))}`],
  [/\b(\d+)(st|nd|rd|th)\b/gi, (n) => ordinalWords(Number(n))],
  [
    new RegExp(String.raw`(^|[\s(])-(${NUMERAL})(\.\d+)?(?![\w]|[.,]\d)`, 'g'),
    (before, whole, fraction) => `${before}minus ${decimalWords(`${whole}${fraction ?? ''}`)}`,
  ],
  [new RegExp(String.raw`(?<![\w.,])(${NUMERAL})(\.\d+)?(?![\w]|[.,]\d)`, 'g'), (whole, fraction) => decimalWords(`${whole}${fraction ?? ''}`)],
];

const apply = (text: string, rules: readonly Rule[]) =>
  rules.reduce((out, [pattern, spoken]) => out.replace(pattern, (_match, ...groups: unknown[]) => spoken(...(groups as string[]))), text);

/**
 * English text as it is read aloud: abbreviations in full, then amounts (`$12.50`, `€5`,
 * `£3.20`, `$2.5 million`), percentages, clock times (`3:30pm`), dates and years where the
 * context makes them years (`in 1999`, `May 4, 2021`, `the 1990s`, `300 BC`), ordinals
 * (`21st`), and every other number (`1,250`, `3.14`, `-5`). Digits inside words (`mp3`,
 * `v1.2.3`) are left as they are.
 */
export function speakEnglish(text: string): string {
  return apply(apply(text, ABBREVIATIONS), NUMBERS);
}
