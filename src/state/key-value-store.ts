/**
 * A key-value store (Java's `KeyValueStore`), typed by key and value. Ranges and full scans run in the byte
 * order of the serialized keys, as in Kafka Streams.
 */
import type { StateStore } from './state-store.ts';

export interface KeyValue<K, V> {
  readonly key: K;
  readonly value: V;
}

export interface ReadOnlyKeyValueStore<K, V> {
  get(key: K): V | undefined;
  /** Entries with `from <= key <= to` (either bound may be undefined: open), in key order. */
  range(from: K | undefined, to: K | undefined): KeyValue<K, V>[];
  reverseRange(from: K | undefined, to: K | undefined): KeyValue<K, V>[];
  all(): KeyValue<K, V>[];
  reverseAll(): KeyValue<K, V>[];
  approximateNumEntries(): number;
}

export interface KeyValueStore<K, V> extends ReadOnlyKeyValueStore<K, V>, StateStore {
  /** Puts a value; `null` or `undefined` deletes the key (as Java's put with a null value). */
  put(key: K, value: V | null | undefined): void;
  /** Puts only when the key is absent; returns the previous value. */
  putIfAbsent(key: K, value: V): V | undefined;
  putAll(entries: readonly KeyValue<K, V>[]): void;
  /** Deletes a key; returns its previous value. */
  delete(key: K): V | undefined;
}

/** A value with the timestamp of the record that last updated it (Java's `ValueAndTimestamp`). */
export interface ValueAndTimestamp<V> {
  readonly value: V;
  readonly timestamp: number;
}

/**
 * The view DSL stores offer (Java's `TimestampedKeyValueStore`): values carry a timestamp. The same store
 * object is also a plain {@link KeyValueStore} of values.
 */
export interface TimestampedKeyValueStore<K, V> extends KeyValueStore<K, V> {
  getWithTimestamp(key: K): ValueAndTimestamp<V> | undefined;
  putWithTimestamp(key: K, value: V | null | undefined, timestamp: number): void;
}

export const KeyValue = {
  pair<K, V>(key: K, value: V): KeyValue<K, V> {
    return { key, value };
  },
} as const;
