/** Lines that are only markup: a code fence (```ts, ~~~) or a rule (---, ***, ___). */
const MARKUP_ONLY_LINE = /^\s*(?:(?:```|~~~)[\w+-]*|(?:[-*_]\s*){3,})\s*$/;

/** Markup at the start of a line: headings, quotes, bullets, numbered items, task boxes. */
const LINE_PREFIX = /^\s*(?:#{1,6}\s+|>\s?|(?:[-*+]|\d{1,3}[.)])\s+(?:\[[ xX]\]\s+)?)/;

/** An ATX heading, whose closing hashes (`## Title ##`) go too. */
const HEADING = /^\s*#{1,6}\s/;

/**
 * Inline markup, in order: images and links keep their text, code its content, emphasis its
 * words. No span may hold its own delimiter, so an unclosed one costs a short scan, not one to
 * the end of the line (the text is the client's, up to 20,000 characters).
 */
const INLINE: ReadonlyArray<[RegExp, string]> = [
  [/!\[([^[\]]*)\]\([^()]*\)/g, '$1'],
  [/\[([^[\]]+)\]\([^()]*\)/g, '$1'],
  [/<((?:https?:\/\/|mailto:)[^>\s]+)>/g, '$1'],
  [/`([^`]+)`/g, '$1'],
  [/\*\*\*(?=\S)([^*]+?)(?<=\S)\*\*\*/g, '$1'],
  [/___(?=\S)([^_]+?)(?<=\S)___/g, '$1'],
  [/\*\*(?=\S)([^*]+?)(?<=\S)\*\*/g, '$1'],
  [/__(?=\S)([^_]+?)(?<=\S)__/g, '$1'],
  [/~~(?=\S)([^~]+?)(?<=\S)~~/g, '$1'],
  [/(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])/g, '$1'],
  // `_x_` only at word edges, so snake_case names keep their underscores.
  [/(?<![\w_])_(?=\S)([^_]+?)(?<=\S)_(?![\w_])/g, '$1'],
];

const inline = (line: string) => INLINE.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), line);

/**
 * Markdown reduced to the words a listener should hear: headings, emphasis, lists, quotes,
 * code fences and rules go; links and images keep their text; code keeps its content.
 * Language-neutral: it applies whatever language the text is in.
 */
export function stripMarkdown(text: string): string {
  return text
    .split('\n')
    .filter((line) => !MARKUP_ONLY_LINE.test(line))
    .map((line) => {
      const bare = line.replace(LINE_PREFIX, '');
      const content = HEADING.test(line) ? bare.replace(/\s+#+\s*$/, '') : bare;
      // Twice: a span inside another (`**bold *and* italic**`) hides the outer one's closing on the first pass.
      return inline(inline(content));
    })
    .join('\n');
}
