/**
 * The API key the console signs in with. Kept in sessionStorage: it lasts as long as the tab
 * and is not shared with other tabs or kept after the browser closes. A link may carry it as
 * `#key=<key>` in the URL fragment (which browsers never send to a server); it is read once and
 * removed from the address bar and the history entry.
 */
const STORAGE_KEY = 'voxq.console.apiKey';

/** The fragment's `&`-separated parts: `#/jobs&key=abc` is `/jobs` and `key=abc`. */
const partsOf = (hash: string) =>
  hash
    .replace(/^#/, '')
    .split('&')
    .filter((part) => part !== '');
const isKeyPart = (part: string) => part.startsWith('key=');

/** The key a fragment such as `#key=vq_…` (or `#/jobs&key=vq_…`) carries, if any. */
export function keyFromFragment(hash: string): string | null {
  const part = partsOf(hash).find(isKeyPart);
  if (!part) return null;
  let value: string;
  try {
    value = decodeURIComponent(part.slice('key='.length)).trim();
  } catch {
    return null;
  }
  return value === '' ? null : value;
}

/** The fragment with its `key=` part taken out: the rest (a route) stays. */
export function fragmentWithoutKey(hash: string): string {
  const kept = partsOf(hash).filter((part) => !isKeyPart(part));
  return kept.length > 0 ? `#${kept.join('&')}` : '';
}

export interface SessionStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/**
 * Takes a key from the address bar into the tab's storage and wipes it from the URL (with
 * `history.replaceState`, so Back does not bring it back); returns the key to use, if any.
 */
export function adoptKey(location: Pick<Location, 'hash' | 'pathname' | 'search'>, history: Pick<History, 'replaceState'>, store: SessionStore): string | null {
  const fromLink = keyFromFragment(location.hash);
  if (fromLink) {
    store.setItem(STORAGE_KEY, fromLink);
    history.replaceState(null, '', `${location.pathname}${location.search}${fragmentWithoutKey(location.hash) || '#/jobs'}`);
    return fromLink;
  }
  return store.getItem(STORAGE_KEY);
}

export function saveKey(store: SessionStore, key: string): void {
  store.setItem(STORAGE_KEY, key);
}

export function forgetKey(store: SessionStore): void {
  store.removeItem(STORAGE_KEY);
}
