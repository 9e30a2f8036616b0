/**
 * A session store (Java's `SessionStore`): one aggregate per key and session window `[start, end]`, kept for
 * a retention period (sessions whose end is older than stream time minus retention are dropped). Results are
 * arrays ordered by serialized key bytes, then session end, then start, as Java's iterators. The changelog
 * topic (compact+delete) holds records keyed as Java's `SessionKeySchema`:
 * `[serialized key][session end, 8 bytes big-endian][session start, 8 bytes big-endian]`.
 */
import type { Windowed } from '../dsl/windowed.ts';
import type { KeyValue } from './key-value-store.ts';
import type { StateStore } from './state-store.ts';

export interface ReadOnlySessionStore<K, AGG> {
  /**
   * The sessions of `key` that end at or after `earliestSessionEndTime` and start at or before
   * `latestSessionStartTime`: the sessions a record could merge with.
   */
  findSessions(key: K, earliestSessionEndTime: number, latestSessionStartTime: number): KeyValue<Windowed<K>, AGG>[];
  backwardFindSessions(
    key: K,
    earliestSessionEndTime: number,
    latestSessionStartTime: number,
  ): KeyValue<Windowed<K>, AGG>[];
  /** The aggregate of exactly the session `[sessionStartTime, sessionEndTime]` of `key`. */
  fetchSession(key: K, sessionStartTime: number, sessionEndTime: number): AGG | undefined;
  /** Every session of `key`. */
  fetch(key: K): KeyValue<Windowed<K>, AGG>[];
  backwardFetch(key: K): KeyValue<Windowed<K>, AGG>[];
}

export interface SessionStore<K, AGG> extends ReadOnlySessionStore<K, AGG>, StateStore {
  /** Puts the aggregate of a session; null/undefined removes it. */
  put(sessionKey: Windowed<K>, aggregate: AGG | null | undefined): void;
  remove(sessionKey: Windowed<K>): void;
}
