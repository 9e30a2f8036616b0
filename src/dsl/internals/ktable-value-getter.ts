/**
 * How a join reads a table's current row for a key (Java's `KTableValueGetter(Supplier)`). A materialized
 * table reads its store; a table derived without a store (filter, mapValues, a join) asks its parent's getter
 * and applies its own function, so joining such a table needs no extra store (as in Kafka Streams).
 */
import type { ProcessorContext } from '../../processor/processor-context.ts';
import type { TimestampedKeyValueStore, ValueAndTimestamp } from '../../state/key-value-store.ts';
import type { TimestampedWindowStore } from '../../state/window-store.ts';
import type { Windowed } from '../windowed.ts';

export interface KTableValueGetter<K, V> {
  init(context: ProcessorContext<unknown, unknown>): void;
  /** The row of `key` with the timestamp of its last update, or undefined when there is none. */
  get(key: K): ValueAndTimestamp<V> | undefined;
}

export interface KTableValueGetterSupplier<K, V> {
  get(): KTableValueGetter<K, V>;
  /** The stores the getter reads: the join processor must be connected to them. */
  readonly storeNames: readonly string[];
}

class StoreValueGetter<K, V> implements KTableValueGetter<K, V> {
  private readonly storeName: string;
  private lookup!: (key: K) => ValueAndTimestamp<V> | undefined;
  constructor(storeName: string) {
    this.storeName = storeName;
  }
  init(context: ProcessorContext<unknown, unknown>): void {
    const store = context.getStateStore<TimestampedKeyValueStore<K, V> | TimestampedWindowStore<unknown, V>>(
      this.storeName,
    );
    if ('getWithTimestamp' in store) this.lookup = (key) => store.getWithTimestamp(key);
    else {
      // A windowed aggregation's table (Java's `KStreamWindowAggregate` view): keys are Windowed<K>.
      this.lookup = (key) => {
        const windowed = key as unknown as Windowed<unknown>;
        return store.fetchWithTimestamp(windowed.key, windowed.window.start);
      };
    }
  }
  get(key: K): ValueAndTimestamp<V> | undefined {
    const found = this.lookup(key);
    return found === undefined || found.value === null || found.value === undefined ? undefined : found;
  }
}

/** Reads the table's rows from its key-value store. */
export function storeValueGetterSupplier<K, V>(storeName: string): KTableValueGetterSupplier<K, V> {
  return { get: () => new StoreValueGetter<K, V>(storeName), storeNames: [storeName] };
}

/** Reads the parent's row and maps it (undefined: no row); the timestamp stays the parent's. */
export function mappedValueGetterSupplier<K, V, VR>(
  parent: KTableValueGetterSupplier<K, V>,
  compute: (key: K, value: V) => VR | null,
): KTableValueGetterSupplier<K, VR> {
  return {
    storeNames: parent.storeNames,
    get(): KTableValueGetter<K, VR> {
      const getter = parent.get();
      return {
        init: (context) => getter.init(context),
        get(key: K): ValueAndTimestamp<VR> | undefined {
          const row = getter.get(key);
          if (row === undefined) return undefined;
          const value = compute(key, row.value);
          return value === null || value === undefined ? undefined : { value, timestamp: row.timestamp };
        },
      };
    },
  };
}
