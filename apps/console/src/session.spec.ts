import { describe, expect, it } from 'vitest';
import { adoptKey, fragmentWithoutKey, keyFromFragment, type SessionStore } from './session';

const memoryStore = (): SessionStore & { items: Map<string, string> } => {
  const items = new Map<string, string>();
  return { items, getItem: (k) => items.get(k) ?? null, setItem: (k, v) => void items.set(k, v), removeItem: (k) => void items.delete(k) };
};

describe('the key in a link', () => {
  it('reads #key=<key> alone or beside a route, decoded', () => {
    expect(keyFromFragment('#key=vq_abc')).toBe('vq_abc');
    expect(keyFromFragment('#/jobs/j1&key=vq%2Babc')).toBe('vq+abc');
    expect(keyFromFragment('#/jobs')).toBeNull();
    expect(keyFromFragment('#key=')).toBeNull();
    expect(keyFromFragment('#key=%E0%A4%A')).toBeNull();
    expect(keyFromFragment('')).toBeNull();
  });

  it('drops the key from the fragment and keeps the route', () => {
    expect(fragmentWithoutKey('#key=vq_abc')).toBe('');
    expect(fragmentWithoutKey('#/jobs/j1&key=vq_abc')).toBe('#/jobs/j1');
    expect(fragmentWithoutKey('#/usage')).toBe('#/usage');
  });

  it('keeps a linked key for the tab and replaces the address without it', () => {
    const store = memoryStore();
    const replaced: string[] = [];
    const history = { replaceState: (_data: unknown, _unused: string, url?: string | URL | null) => void replaced.push(String(url)) };
    expect(adoptKey({ hash: '#key=vq_secret', pathname: '/console', search: '' }, history, store)).toBe('vq_secret');
    expect(replaced).toEqual(['/console#/jobs']);
    expect([...store.items.values()]).toEqual(['vq_secret']);
    // Later loads of the tab read it from storage, and touch no history.
    expect(adoptKey({ hash: '#/jobs', pathname: '/console', search: '' }, history, store)).toBe('vq_secret');
    expect(replaced).toHaveLength(1);
  });
});
