/**
 * Read-only views over all local partitions of one store (Java's CompositeReadOnlyKeyValueStore,
 * CompositeReadOnlyWindowStore, CompositeReadOnlySessionStore). A key lives in exactly one partition, so key
 * lookups return the first partition's answer; range and scan results of the partitions are merged into the
 * order one store would give (serialized key bytes, as Kafka Streams' stores order them), where Java
 * concatenates them partition by partition.
 */
import type { Windowed } from '../dsl/windowed.ts';
import type {
  KeyValue,
  ReadOnlyKeyValueStore,
  TimestampedKeyValueStore,
  ValueAndTimestamp,
} from '../state/key-value-store.ts';
import type { ReadOnlySessionStore } from '../state/session-store.ts';
import type { ReadOnlyWindowStore } from '../state/window-store.ts';

/** The current local instances of a store (looked up on every call: rebalances move them). */
export interface LocalStores {
  readonly storeName: string;
  /** Throws a retriable InvalidStateStoreException when the store is not queryable right now. */
  instances(): unknown[];
  /**
   * The key's bytes as the store serializes them (its key serde, else `default.key.serde`), for ordering;
   * when it is undefined or throws, results stay in partition order (as Java's composite stores give them).
   */
  readonly serializeKey: ((key: unknown) => Buffer) | undefined;
}

/** Sorts by serialized key bytes (computed once per entry), then by `tieBreak`. */
function sortByKey<E>(
  entries: E[],
  keyOf: (entry: E) => unknown,
  stores: LocalStores,
  tieBreak: (a: E, b: E) => number = () => 0,
  first: (a: E, b: E) => number = () => 0,
): E[] {
  const serialize = stores.serializeKey;
  if (entries.length < 2 || serialize === undefined) return entries;
  let decorated: { entry: E; bytes: Buffer }[];
  try {
    decorated = entries.map((entry) => ({ entry, bytes: serialize(keyOf(entry)) }));
  } catch {
    return entries; // the (fallback) key serde cannot write these keys: partition order, as Java
  }
  decorated.sort((a, b) => first(a.entry, b.entry) || Buffer.compare(a.bytes, b.bytes) || tieBreak(a.entry, b.entry));
  return decorated.map((d) => d.entry);
}

export class CompositeReadOnlyKeyValueStore<K, V> implements ReadOnlyKeyValueStore<K, V> {
  protected readonly stores: LocalStores;
  constructor(stores: LocalStores) {
    this.stores = stores;
  }
  protected instances(): ReadOnlyKeyValueStore<K, V>[] {
    return this.stores.instances() as ReadOnlyKeyValueStore<K, V>[];
  }
  get(key: K): V | undefined {
    for (const store of this.instances()) {
      const value = store.get(key);
      if (value !== undefined) return value;
    }
    return undefined;
  }
  range(from: K | undefined, to: K | undefined): KeyValue<K, V>[] {
    return sortByKey(
      this.instances().flatMap((s) => s.range(from, to)),
      (e) => e.key,
      this.stores,
    );
  }
  reverseRange(from: K | undefined, to: K | undefined): KeyValue<K, V>[] {
    return this.range(from, to).reverse();
  }
  all(): KeyValue<K, V>[] {
    return sortByKey(
      this.instances().flatMap((s) => s.all()),
      (e) => e.key,
      this.stores,
    );
  }
  reverseAll(): KeyValue<K, V>[] {
    return this.all().reverse();
  }
  approximateNumEntries(): number {
    return this.instances().reduce((n, s) => n + s.approximateNumEntries(), 0);
  }
}

/** Values with their timestamps, read from stores that keep them (Java's timestampedKeyValueStore()). */
export class CompositeTimestampedKeyValueStore<K, V> implements ReadOnlyKeyValueStore<K, ValueAndTimestamp<V>> {
  readonly #plain: CompositeReadOnlyKeyValueStore<K, V>;
  readonly #stores: LocalStores;
  constructor(stores: LocalStores) {
    this.#stores = stores;
    this.#plain = new CompositeReadOnlyKeyValueStore<K, V>(stores);
  }
  #instances(): TimestampedKeyValueStore<K, V>[] {
    return this.#stores.instances() as TimestampedKeyValueStore<K, V>[];
  }
  get(key: K): ValueAndTimestamp<V> | undefined {
    for (const store of this.#instances()) {
      const value = store.getWithTimestamp(key);
      if (value !== undefined) return value;
    }
    return undefined;
  }
  /** The stores' ranges give plain values: each key's timestamp is looked up in its own partition. */
  #withTimestamps(entries: KeyValue<K, V>[]): KeyValue<K, ValueAndTimestamp<V>>[] {
    const result: KeyValue<K, ValueAndTimestamp<V>>[] = [];
    for (const entry of entries) {
      const value = this.get(entry.key);
      if (value !== undefined) result.push({ key: entry.key, value });
    }
    return result;
  }
  range(from: K | undefined, to: K | undefined): KeyValue<K, ValueAndTimestamp<V>>[] {
    return this.#withTimestamps(this.#plain.range(from, to));
  }
  reverseRange(from: K | undefined, to: K | undefined): KeyValue<K, ValueAndTimestamp<V>>[] {
    return this.#withTimestamps(this.#plain.reverseRange(from, to));
  }
  all(): KeyValue<K, ValueAndTimestamp<V>>[] {
    return this.#withTimestamps(this.#plain.all());
  }
  reverseAll(): KeyValue<K, ValueAndTimestamp<V>>[] {
    return this.#withTimestamps(this.#plain.reverseAll());
  }
  approximateNumEntries(): number {
    return this.#plain.approximateNumEntries();
  }
}

type WindowedEntry<K, V> = KeyValue<Windowed<K>, V>;

export class CompositeReadOnlyWindowStore<K, V> implements ReadOnlyWindowStore<K, V> {
  readonly #stores: LocalStores;
  constructor(stores: LocalStores) {
    this.#stores = stores;
  }
  #instances(): ReadOnlyWindowStore<K, V>[] {
    return this.#stores.instances() as ReadOnlyWindowStore<K, V>[];
  }
  /** Window start first, then key bytes: the order of one window store's multi-key results. */
  #sorted(entries: WindowedEntry<K, V>[]): WindowedEntry<K, V>[] {
    return sortByKey(
      entries,
      (e) => e.key.key,
      this.#stores,
      () => 0,
      (a, b) => a.key.window.start - b.key.window.start,
    );
  }
  fetch(key: K, windowStartTime: number): V | undefined;
  fetch(key: K, timeFrom: number, timeTo: number): KeyValue<number, V>[];
  fetch(keyFrom: K | undefined, keyTo: K | undefined, timeFrom: number, timeTo: number): WindowedEntry<K, V>[];
  fetch(...args: unknown[]): unknown {
    const stores = this.#instances();
    const call = (store: ReadOnlyWindowStore<K, V>) => (store.fetch as (...a: unknown[]) => unknown)(...args);
    if (args.length === 2) {
      for (const store of stores) {
        const value = call(store);
        if (value !== undefined) return value;
      }
      return undefined;
    }
    if (args.length === 3) {
      // One key lives in one partition: the first partition that has windows of it answers (as Java).
      for (const store of stores) {
        const found = call(store) as KeyValue<number, V>[];
        if (found.length > 0) return found;
      }
      return [];
    }
    return this.#sorted(stores.flatMap((s) => call(s) as WindowedEntry<K, V>[]));
  }
  backwardFetch(key: K, timeFrom: number, timeTo: number): KeyValue<number, V>[];
  backwardFetch(keyFrom: K | undefined, keyTo: K | undefined, timeFrom: number, timeTo: number): WindowedEntry<K, V>[];
  backwardFetch(...args: unknown[]): unknown {
    return ((this.fetch as (...a: unknown[]) => unknown[])(...args) ?? []).slice().reverse();
  }
  fetchAll(timeFrom: number, timeTo: number): WindowedEntry<K, V>[] {
    return this.#sorted(this.#instances().flatMap((s) => s.fetchAll(timeFrom, timeTo)));
  }
  backwardFetchAll(timeFrom: number, timeTo: number): WindowedEntry<K, V>[] {
    return this.fetchAll(timeFrom, timeTo).reverse();
  }
  all(): WindowedEntry<K, V>[] {
    return this.#sorted(this.#instances().flatMap((s) => s.all()));
  }
  backwardAll(): WindowedEntry<K, V>[] {
    return this.all().reverse();
  }
}

export class CompositeReadOnlySessionStore<K, AGG> implements ReadOnlySessionStore<K, AGG> {
  readonly #stores: LocalStores;
  constructor(stores: LocalStores) {
    this.#stores = stores;
  }
  #instances(): ReadOnlySessionStore<K, AGG>[] {
    return this.#stores.instances() as ReadOnlySessionStore<K, AGG>[];
  }
  /** The first partition with sessions of the key answers (a key lives in one partition). */
  #firstNonEmpty(read: (store: ReadOnlySessionStore<K, AGG>) => KeyValue<Windowed<K>, AGG>[]) {
    for (const store of this.#instances()) {
      const found = read(store);
      if (found.length > 0) return found;
    }
    return [];
  }
  findSessions(key: K, earliestSessionEndTime: number, latestSessionStartTime: number): KeyValue<Windowed<K>, AGG>[] {
    return this.#firstNonEmpty((s) => s.findSessions(key, earliestSessionEndTime, latestSessionStartTime));
  }
  backwardFindSessions(
    key: K,
    earliestSessionEndTime: number,
    latestSessionStartTime: number,
  ): KeyValue<Windowed<K>, AGG>[] {
    return this.#firstNonEmpty((s) => s.backwardFindSessions(key, earliestSessionEndTime, latestSessionStartTime));
  }
  fetchSession(key: K, sessionStartTime: number, sessionEndTime: number): AGG | undefined {
    for (const store of this.#instances()) {
      const value = store.fetchSession(key, sessionStartTime, sessionEndTime);
      if (value !== undefined) return value;
    }
    return undefined;
  }
  fetch(key: K): KeyValue<Windowed<K>, AGG>[] {
    return this.#firstNonEmpty((s) => s.fetch(key));
  }
  backwardFetch(key: K): KeyValue<Windowed<K>, AGG>[] {
    return this.#firstNonEmpty((s) => s.backwardFetch(key));
  }
}
