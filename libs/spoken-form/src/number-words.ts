const ONES = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const SCALES: ReadonlyArray<[number, string]> = [
  [1e12, 'trillion'],
  [1e9, 'billion'],
  [1e6, 'million'],
  [1e3, 'thousand'],
];
/** Past this an integer is read digit by digit (an id, a card number), not as a quantity. */
const LARGEST_SPOKEN = 1e15 - 1;

function belowHundred(n: number): string {
  if (n < 20) return ONES[n] as string;
  const tens = TENS[Math.floor(n / 10)] as string;
  return n % 10 === 0 ? tens : `${tens}-${ONES[n % 10]}`;
}

function belowThousand(n: number): string {
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  if (hundreds === 0) return belowHundred(rest);
  return rest === 0 ? `${ONES[hundreds]} hundred` : `${ONES[hundreds]} hundred ${belowHundred(rest)}`;
}

/** Each digit's name, for what is not a quantity (`007`, a 20-digit id, the digits after a point). */
export function digitWords(digits: string): string {
  return [...digits].map((d) => ONES[Number(d)]).join(' ');
}

/** A non-negative integer in words, American style (`1234` → `one thousand two hundred thirty-four`). */
export function integerWords(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0 || n > LARGEST_SPOKEN) return digitWords(String(n));
  if (n < 1000) return belowThousand(n);
  const parts: string[] = [];
  let rest = n;
  for (const [size, name] of SCALES) {
    const count = Math.floor(rest / size);
    if (count > 0) parts.push(`${belowThousand(count)} ${name}`);
    rest %= size;
  }
  if (rest > 0) parts.push(belowThousand(rest));
  return parts.join(' ');
}

/** Written digits (commas allowed, `1,250`) in words; leading zeros are read as digits. */
export function numeralWords(written: string): string {
  const digits = written.replace(/,/g, '');
  if (digits.length > 1 && digits.startsWith('0')) return digitWords(digits);
  return integerWords(Number(digits));
}

/** `3.14` → `three point one four`: the fraction digit by digit, as it is read aloud. */
export function decimalWords(written: string): string {
  const [whole = '0', fraction] = written.split('.');
  const wholeWords = whole === '' ? 'zero' : numeralWords(whole);
  return fraction ? `${wholeWords} point ${digitWords(fraction)}` : wholeWords;
}

const ORDINAL_ENDINGS: Readonly<Record<string, string>> = {
  one: 'first',
  two: 'second',
  three: 'third',
  five: 'fifth',
  eight: 'eighth',
  nine: 'ninth',
  twelve: 'twelfth',
};

/** `21` → `twenty-first`: the last word of the cardinal takes the ordinal ending. */
export function ordinalWords(n: number): string {
  const cardinal = integerWords(n);
  const match = /([a-z]+)$/.exec(cardinal);
  if (!match) return cardinal;
  const last = match[1] as string;
  const ordinal = ORDINAL_ENDINGS[last] ?? (last.endsWith('y') ? `${last.slice(0, -1)}ieth` : `${last}th`);
  return cardinal.slice(0, -last.length) + ordinal;
}

/**
 * A year as it is said: `1999` → `nineteen ninety-nine`, `1905` → `nineteen oh five`,
 * `1900` → `nineteen hundred`, `2000`-`2009` → `two thousand (one)`, `2024` → `twenty twenty-four`.
 */
export function yearWords(year: number): string {
  if (year < 1000 || year > 9999 || (year >= 2000 && year < 2010) || year % 1000 === 0) return integerWords(year);
  const high = Math.floor(year / 100);
  const low = year % 100;
  if (low === 0) return `${belowHundred(high)} hundred`;
  return `${belowHundred(high)} ${low < 10 ? `oh ${ONES[low]}` : belowHundred(low)}`;
}
