// Bounded as addresses are (a local part of at most 64 characters, labels of 63), so a long run
// of word characters without an `@` is not scanned again from each of its positions.
const EMAIL = /(?<![\w.+-])(?:mailto:)?([\w.+-]{1,64})@([A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8})\b/g;
/** A URL with a scheme, or a bare `www.` host; trailing sentence punctuation is not part of it. */
const URL = /\b(?:https?:\/\/|www\.)[^\s<>()"']+?(?=[.,;:!?)\]]*(?:\s|$))/gi;

/** `a.b-c` → `a dot b-c`. */
const dotted = (part: string) => part.split('.').filter(Boolean).join(' dot ');

/**
 * `jane.doe@example.com` → `jane dot doe at example dot com`. Language-neutral in that it
 * reads only symbols, with the English names speech engines expect of addresses.
 */
export function speakEmails(text: string): string {
  return text.replace(EMAIL, (_match, user: string, host: string) => `${dotted(user)} at ${dotted(host)}`);
}

/**
 * `https://www.example.com/docs/setup?x=1` → `example dot com slash docs slash setup`: the
 * scheme, `www.`, a query and a fragment are dropped (nobody reads those aloud).
 */
export function speakUrls(text: string): string {
  return text.replace(URL, (url) => {
    const bare = url.replace(/^https?:\/\//i, '').replace(/^www\./i, '');
    const [path = ''] = bare.split(/[?#]/);
    const [host = '', ...segments] = path.split('/');
    return [dotted(host), ...segments.filter(Boolean).map(dotted)].join(' slash ');
  });
}
