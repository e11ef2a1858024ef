import { speakEnglish } from './english';
import { speakEmails, speakUrls } from './links';
import { stripMarkdown } from './markdown';

/** Text made ready for speech, and how much of the normalisation applied. */
export interface SpokenForm {
  text: string;
  /**
   * `full`: every rule (English). `partial`: only the language-neutral ones (markdown, URLs,
   * e-mail addresses); numbers, amounts and abbreviations stay as written, since reading them
   * depends on the language.
   */
  applied: 'full' | 'partial';
}

/** Whether a BCP-47 tag is English (`en`, `en-GB`). */
const isEnglish = (language: string) => /^en(?:-|$)/i.test(language);

/**
 * A deterministic safety net before text to speech: what a listener should hear rather than
 * what was written (no network, no model). English gets every rule; any other language only
 * the language-neutral ones, and says so.
 */
export function toSpokenForm(text: string, language: string): SpokenForm {
  const neutral = speakUrls(speakEmails(stripMarkdown(text)));
  if (!isEnglish(language)) return { text: neutral, applied: 'partial' };
  return { text: speakEnglish(neutral), applied: 'full' };
}
