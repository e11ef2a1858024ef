import { describe, expect, it } from 'vitest';
import { rowsJson } from './history-table';

describe('rowsJson', () => {
  it('replaces each NUL character, which Postgres cannot store, with U+FFFD', () => {
    const json = rowsJson([{ text: 'a\u0000b', nested: { list: ['\u0000', 'c\u0000\u0000'] } }]);
    expect(JSON.parse(json)).toEqual([{ text: 'a\ufffdb', nested: { list: ['\ufffd', 'c\ufffd\ufffd'] } }]);
  });

  it('leaves text that only looks like an escaped NUL as it is', () => {
    const rows = [{ text: 'a literal \\u0000, and \\\\u0000', other: '\\\u0000' }];
    expect(JSON.parse(rowsJson(rows))).toEqual([{ text: 'a literal \\u0000, and \\\\u0000', other: '\\\ufffd' }]);
  });
});
