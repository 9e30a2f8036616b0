/**
 * A key with the window it was aggregated in (Java's `Windowed` and `Window`). Windowed aggregations produce
 * tables keyed by `Windowed<K>`; window and session stores return them from range queries.
 */

/**
 * A window's bounds in epoch milliseconds. Time windows (tumbling, hopping, sliding) cover `[start, end)`;
 * session windows cover `[start, end]` (both ends are record timestamps of the session).
 */
export interface Window {
  readonly start: number;
  readonly end: number;
}

export interface Windowed<K> {
  readonly key: K;
  readonly window: Window;
}

export const Windowed = {
  of<K>(key: K, window: Window): Windowed<K> {
    return { key, window: { start: window.start, end: window.end } };
  },
  /** Java's `Windowed#toString`: `[key@start/end]`. */
  toString(windowed: Windowed<unknown>): string {
    return `[${String(windowed.key)}@${windowed.window.start}/${windowed.window.end}]`;
  },
} as const;
