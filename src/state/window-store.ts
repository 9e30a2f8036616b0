/**
 * A window store (Java's `WindowStore`): values per key and window start time, kept for a retention period
 * (windows whose start is older than stream time minus retention are dropped). Results are arrays, oldest
 * window first; where several keys are returned, ordered by window start, then serialized key bytes (as Java's
 * InMemoryWindowStore iterates). The changelog topic (`<application.id>-<store>-changelog`, compact+delete) holds records keyed
 * as Java's `WindowKeySchema`: `[serialized key][window start, 8 bytes big-endian][sequence number, 4 bytes]`.
 */
import type { Windowed } from '../dsl/windowed.ts';
import type { KeyValue, ValueAndTimestamp } from './key-value-store.ts';
import type { StateStore } from './state-store.ts';

export interface ReadOnlyWindowStore<K, V> {
  /** The value of `key` in the window that starts at `windowStartTime`. */
  fetch(key: K, windowStartTime: number): V | undefined;
  /** The windows of `key` starting in `[timeFrom, timeTo]`, as `KeyValue<windowStart, value>`. */
  fetch(key: K, timeFrom: number, timeTo: number): KeyValue<number, V>[];
  /** The windows of keys in `[keyFrom, keyTo]` (undefined: open) starting in `[timeFrom, timeTo]`. */
  fetch(keyFrom: K | undefined, keyTo: K | undefined, timeFrom: number, timeTo: number): KeyValue<Windowed<K>, V>[];
  backwardFetch(key: K, timeFrom: number, timeTo: number): KeyValue<number, V>[];
  backwardFetch(
    keyFrom: K | undefined,
    keyTo: K | undefined,
    timeFrom: number,
    timeTo: number,
  ): KeyValue<Windowed<K>, V>[];
  /** Every window starting in `[timeFrom, timeTo]`, all keys. */
  fetchAll(timeFrom: number, timeTo: number): KeyValue<Windowed<K>, V>[];
  backwardFetchAll(timeFrom: number, timeTo: number): KeyValue<Windowed<K>, V>[];
  all(): KeyValue<Windowed<K>, V>[];
  backwardAll(): KeyValue<Windowed<K>, V>[];
}

export interface WindowStore<K, V> extends ReadOnlyWindowStore<K, V>, StateStore {
  /**
   * Puts the value of `key` in the window starting at `windowStartTime`; null/undefined deletes it. With
   * `retainDuplicates` (stream-stream joins) every put is kept, each under its own sequence number.
   */
  put(key: K, value: V | null | undefined, windowStartTime: number): void;
}

/** The view DSL window stores offer (Java's `TimestampedWindowStore`): values carry a record timestamp. */
export interface TimestampedWindowStore<K, V> extends WindowStore<K, V> {
  fetchWithTimestamp(key: K, windowStartTime: number): ValueAndTimestamp<V> | undefined;
  putWithTimestamp(key: K, value: V | null | undefined, windowStartTime: number, timestamp: number): void;
  /** As `fetch(keyFrom, keyTo, timeFrom, timeTo)`, with each value's timestamp (what windowed aggregations read). */
  fetchWithTimestamps(
    keyFrom: K | undefined,
    keyTo: K | undefined,
    timeFrom: number,
    timeTo: number,
  ): KeyValue<Windowed<K>, ValueAndTimestamp<V>>[];
  backwardFetchWithTimestamps(
    keyFrom: K | undefined,
    keyTo: K | undefined,
    timeFrom: number,
    timeTo: number,
  ): KeyValue<Windowed<K>, ValueAndTimestamp<V>>[];
}
