/**
 * One timestamped window store read as a window store of `ValueAndTimestamp` values (what Java's
 * `QueryableStoreTypes.timestampedWindowStore()` returns for each partition).
 */
import type { Windowed } from '../dsl/windowed.ts';
import type { KeyValue, ValueAndTimestamp } from '../state/key-value-store.ts';
import type { ReadOnlyWindowStore, TimestampedWindowStore } from '../state/window-store.ts';

type Stamped<V> = ValueAndTimestamp<V>;

export class TimestampedWindowView<K, V> implements ReadOnlyWindowStore<K, Stamped<V>> {
  readonly #store: TimestampedWindowStore<K, V>;
  constructor(store: TimestampedWindowStore<K, V>) {
    this.#store = store;
  }
  fetch(key: K, windowStartTime: number): Stamped<V> | undefined;
  fetch(key: K, timeFrom: number, timeTo: number): KeyValue<number, Stamped<V>>[];
  fetch(
    keyFrom: K | undefined,
    keyTo: K | undefined,
    timeFrom: number,
    timeTo: number,
  ): KeyValue<Windowed<K>, Stamped<V>>[];
  fetch(...args: unknown[]): unknown {
    if (args.length === 2) return this.#store.fetchWithTimestamp(args[0] as K, args[1] as number);
    if (args.length === 3) {
      const key = args[0] as K;
      return this.#store
        .fetchWithTimestamps(key, key, args[1] as number, args[2] as number)
        .map((e) => ({ key: e.key.window.start, value: e.value }));
    }
    return this.#store.fetchWithTimestamps(
      args[0] as K | undefined,
      args[1] as K | undefined,
      args[2] as number,
      args[3] as number,
    );
  }
  backwardFetch(key: K, timeFrom: number, timeTo: number): KeyValue<number, Stamped<V>>[];
  backwardFetch(
    keyFrom: K | undefined,
    keyTo: K | undefined,
    timeFrom: number,
    timeTo: number,
  ): KeyValue<Windowed<K>, Stamped<V>>[];
  backwardFetch(...args: unknown[]): unknown {
    if (args.length === 3) {
      const key = args[0] as K;
      return this.#store
        .backwardFetchWithTimestamps(key, key, args[1] as number, args[2] as number)
        .map((e) => ({ key: e.key.window.start, value: e.value }));
    }
    return this.#store.backwardFetchWithTimestamps(
      args[0] as K | undefined,
      args[1] as K | undefined,
      args[2] as number,
      args[3] as number,
    );
  }
  fetchAll(timeFrom: number, timeTo: number): KeyValue<Windowed<K>, Stamped<V>>[] {
    return this.#store.fetchWithTimestamps(undefined, undefined, timeFrom, timeTo);
  }
  backwardFetchAll(timeFrom: number, timeTo: number): KeyValue<Windowed<K>, Stamped<V>>[] {
    return this.#store.backwardFetchWithTimestamps(undefined, undefined, timeFrom, timeTo);
  }
  all(): KeyValue<Windowed<K>, Stamped<V>>[] {
    return this.fetchAll(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  }
  backwardAll(): KeyValue<Windowed<K>, Stamped<V>>[] {
    return this.backwardFetchAll(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  }
}
