const UNITS_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * Parses a duration such as `500ms`, `5s`, `30m`, `2h` or `1d` into milliseconds; a bare
 * `0` is the only unitless value (a bare `5` could mean seconds or ms, so it is refused).
 * Returns an error message instead when the text is not a duration.
 */
export function parseDuration(text: string): number | string {
  const trimmed = text.trim();
  if (trimmed === '0') return 0;
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(trimmed);
  if (!match) {
    return /^\d+$/.test(trimmed)
      ? `'${trimmed}' needs a unit: ms, s, m, h or d (e.g. ${trimmed}s)`
      : `'${trimmed}' is not a duration like 500ms, 5s, 30m, 2h or 1d`;
  }
  return Number(match[1]) * UNITS_MS[match[2] as keyof typeof UNITS_MS];
}
