/**
 * What the windowed aggregations (TimeWindowedKStream, TimeWindowedCogroupedKStream) share: the window store's
 * retention and builder (Java's WindowStoreMaterializer / SlidingWindowStoreMaterializer), and the table they
 * produce, keyed by `Windowed<K>` with the time-windowed serde and read by joins through the window store.
 */
import type { SerdeLike } from '../../processor/internals/serde-like.ts';
import { DeferredTimeWindowedSerde, timeWindowedSerdeFrom } from '../../serdes/time-windowed-serde.ts';
import { Stores } from '../../state/stores.ts';
import type { TimestampedWindowStore } from '../../state/window-store.ts';
import { WindowStoreBuilder, type WindowStoreSupplier } from '../../state/window-store-builder.ts';
import { KTable } from '../ktable.ts';
import { SlidingWindows } from '../sliding-windows.ts';
import type { TimeWindows } from '../time-windows.ts';
import type { Windowed } from '../windowed.ts';
import type { InternalStreamsBuilder, StoreSpec } from './internal-streams-builder.ts';
import type { KTableValueGetter, KTableValueGetterSupplier } from './ktable-value-getter.ts';
import type { TableSpec } from './table-processors.ts';

/** The window size of the windows' store and keys: the size, or a sliding window's time difference. */
export function windowSizeOf(windows: TimeWindows | SlidingWindows): number {
  return windows instanceof SlidingWindows ? windows.timeDifferenceMs() : windows.size();
}

/** The table of a windowed aggregation at node `name`, over its window store. */
export function windowedTable<K, V>(
  builder: InternalStreamsBuilder,
  name: string,
  store: StoreSpec<K, V>,
  spec: TableSpec,
  windowSize: number,
): KTable<Windowed<K>, V> {
  const keySerde: SerdeLike<Windowed<K>> =
    store.keySerde === undefined
      ? (new DeferredTimeWindowedSerde<K>(undefined, windowSize) as unknown as SerdeLike<Windowed<K>>)
      : timeWindowedSerdeFrom(store.keySerde, windowSize);
  return new KTable<Windowed<K>, V>(
    builder,
    name,
    keySerde,
    store.valueSerde,
    spec,
    () => {
      spec.sendOldValues = true;
      return true;
    },
    () => windowValueGetterSupplier<K, V>(store.name),
  );
}

/** How joins read a windowed table's row (Java's `KStreamWindowAggregateValueGetter`): its window store. */
export function windowValueGetterSupplier<K, V>(storeName: string): KTableValueGetterSupplier<Windowed<K>, V> {
  return {
    storeNames: [storeName],
    get(): KTableValueGetter<Windowed<K>, V> {
      let store: TimestampedWindowStore<K, V>;
      return {
        init(context) {
          store = context.getStateStore<TimestampedWindowStore<K, V>>(storeName);
        },
        get(windowedKey) {
          const found = store.fetchWithTimestamp(windowedKey.key, windowedKey.window.start);
          return found === undefined || found.value === null || found.value === undefined ? undefined : found;
        },
      };
    },
  };
}

/** The store's retention: Materialized's, else the least the windows need (Java's window store materializers). */
export function retentionOf(
  storeName: string,
  windows: TimeWindows | SlidingWindows,
  given: number | undefined,
): number {
  const grace = windows.gracePeriodMs();
  if (windows instanceof SlidingWindows) {
    const needed = 2 * windows.timeDifferenceMs() + grace;
    const retention = given ?? needed;
    if (!Number.isSafeInteger(retention) || retention < needed)
      throw new RangeError(
        `The retention period of the window store ${storeName} must be no smaller than 2 * time difference plus the grace period. Got time difference=[${windows.timeDifferenceMs()}], grace=[${grace}], retention=[${retention}]`,
      );
    return retention;
  }
  const needed = windows.size() + grace;
  const retention = given ?? needed;
  if (!Number.isSafeInteger(retention) || retention < needed)
    throw new RangeError(
      `The retention period of the window store ${storeName} must be no smaller than its window size plus the grace period. Got size=[${windows.size()}], grace=[${grace}], retention=[${retention}]`,
    );
  return retention;
}

/** Adds the window store of a windowed aggregation, connected to its processors. */
export function addWindowStore(
  builder: InternalStreamsBuilder,
  store: StoreSpec<any, any>,
  supplier: WindowStoreSupplier | undefined,
  retention: number,
  windowSize: number,
  ...processorNames: string[]
): void {
  if (supplier?.retainDuplicates)
    throw new TypeError(
      `window store "${supplier.name}" retains duplicates: a windowed aggregation needs one value per key and window`,
    );
  const storeBuilder = new WindowStoreBuilder(
    supplier ?? Stores.inMemoryWindowStore(store.name, retention, windowSize, false),
    store.keySerde,
    store.valueSerde,
    store.loggingEnabled,
    store.logConfig,
    // Without a supplier from the user, default.dsl.store decides (in memory or LMDB).
    supplier === undefined,
  );
  builder.topology.addStateStoreInternal(storeBuilder, !store.queryable, ...processorNames);
  if (!store.queryable) {
    builder.topology.generatedInternalNames.push(`store "${store.name}"`);
    if (store.loggingEnabled) builder.topology.generatedInternalNames.push(`changelog topic of store "${store.name}"`);
  }
}
