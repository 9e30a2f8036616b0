/**
 * A grouped stream cut into time windows (Java's `TimeWindowedKStream`, made by
 * `KGroupedStream#windowedBy(TimeWindows | SlidingWindows)`), ready to be aggregated per key and window into
 * a `KTable<Windowed<K>, V>`. Each aggregation keeps an in-memory window store (logged to a compact,delete
 * changelog) holding windows for `Materialized`'s `retention` or, by default, window size + grace (sliding
 * windows: 2 × time difference + grace). Records later than their window's end + grace are dropped.
 */
import type { SerdeLike } from '../processor/internals/serde-like.ts';
import { longSerde } from '../serdes/primitive-serdes.ts';
import { DeferredTimeWindowedSerde, timeWindowedSerdeFrom } from '../serdes/time-windowed-serde.ts';
import { Stores } from '../state/stores.ts';
import type { TimestampedWindowStore } from '../state/window-store.ts';
import { WindowStoreBuilder, type WindowStoreSupplier } from '../state/window-store-builder.ts';
import { EmitStrategy } from './emit-strategy.ts';
import type { InternalStreamsBuilder, StoreSpec } from './internals/internal-streams-builder.ts';
import type { KTableValueGetter, KTableValueGetterSupplier } from './internals/ktable-value-getter.ts';
import { SlidingWindowAggregateProcessor } from './internals/sliding-window-aggregate-processor.ts';
import type { TableSpec } from './internals/table-processors.ts';
import {
  type AbstractTimeWindowAggregateProcessor,
  TimeWindowAggregateProcessor,
} from './internals/time-window-aggregate-processor.ts';
import { declareWindowGrace } from './internals/window-grace.ts';
import type { KGroupedStream } from './kgrouped-stream.ts';
import { KTable } from './ktable.ts';
import type { Materialized } from './materialized.ts';
import type { Named } from './named.ts';
import { SlidingWindows } from './sliding-windows.ts';
import type { TimeWindows } from './time-windows.ts';
import type { Windowed } from './windowed.ts';

const AGGREGATE_NAME = 'KSTREAM-AGGREGATE-';
const REDUCE_NAME = 'KSTREAM-REDUCE-';

/** Materialized, plus how long (ms) the window store keeps windows (Java's `Materialized#withRetention`). */
export type WindowMaterialized<K, V> = Materialized<K, V> & { readonly retention?: number };

export class TimeWindowedKStream<K, V> {
  private readonly grouped: KGroupedStream<K, V>;
  private readonly windows: TimeWindows | SlidingWindows;
  private emit: EmitStrategy = EmitStrategy.onWindowUpdate();

  /** @internal made by KGroupedStream#windowedBy */
  constructor(grouped: KGroupedStream<K, V>, windows: TimeWindows | SlidingWindows) {
    this.grouped = grouped;
    this.windows = windows;
  }

  private get builder(): InternalStreamsBuilder {
    return this.grouped.builder;
  }

  /** Emit every update of a window (the default) or, with `EmitStrategy.onWindowClose()`, final results only. */
  emitStrategy(strategy: EmitStrategy): this {
    if (strategy === null || strategy === undefined || typeof strategy.type !== 'function')
      throw new TypeError('emitStrategy() needs EmitStrategy.onWindowClose() or EmitStrategy.onWindowUpdate()');
    this.emit = strategy;
    return this;
  }

  /** Counts records per key and window (records with a null key are skipped). */
  count(materialized?: WindowMaterialized<K, number>, named?: Named): KTable<Windowed<K>, number> {
    // Kafka Streams burns a store name here for a Materialized without one (topology compatibility).
    if (!(this.windows instanceof SlidingWindows) && materialized !== undefined && materialized.storeName === undefined)
      this.builder.newStoreName(AGGREGATE_NAME);
    const store = this.builder.storeSpec<K, number>(materialized, AGGREGATE_NAME, this.grouped.keySerde, longSerde);
    return this.build(AGGREGATE_NAME, store, materialized, named, zero, increment);
  }

  /** Combines the values of each key and window with `reducer(aggregate, value)`. */
  reduce(
    reducer: (aggregate: V, value: V) => V,
    materialized?: WindowMaterialized<K, V>,
    named?: Named,
  ): KTable<Windowed<K>, V> {
    const store = this.builder.storeSpec<K, V>(
      materialized,
      REDUCE_NAME,
      this.grouped.keySerde,
      this.grouped.valueSerde,
    );
    const aggregator = (_key: K, value: V, aggregate: V): V => (aggregate === null ? value : reducer(aggregate, value));
    return this.build(REDUCE_NAME, store, materialized, named, nullInitializer as () => V, aggregator);
  }

  /** Folds the values of each key and window into an aggregate, starting from `initializer()`. */
  aggregate<VAgg>(
    initializer: () => VAgg,
    aggregator: (key: K, value: V, aggregate: VAgg) => VAgg,
    materialized?: NoInfer<WindowMaterialized<K, VAgg>>,
    named?: Named,
  ): KTable<Windowed<K>, VAgg> {
    if (typeof initializer !== 'function' || typeof aggregator !== 'function')
      throw new TypeError('aggregate() needs an initializer and an aggregator function');
    const store = this.builder.storeSpec<K, VAgg>(materialized, AGGREGATE_NAME, this.grouped.keySerde, undefined);
    return this.build(AGGREGATE_NAME, store, materialized, named, initializer, aggregator);
  }

  private build<VAgg>(
    prefix: string,
    store: StoreSpec<K, VAgg>,
    materialized: WindowMaterialized<K, VAgg> | undefined,
    named: Named | undefined,
    initializer: () => VAgg,
    aggregator: (key: K, value: V, aggregate: VAgg) => VAgg,
  ): KTable<Windowed<K>, VAgg> {
    const builder = this.builder;
    const windows = this.windows;
    const sliding = windows instanceof SlidingWindows;
    const windowSize = sliding ? windows.timeDifferenceMs() : windows.size();
    const retention = retentionOf(store.name, windows, materialized?.retention);
    const name = builder.name(named?.name, prefix);
    const source = this.grouped.sourceFor(store as StoreSpec<K, unknown>);
    const emitOnClose = this.emit.type() === 'ON_WINDOW_CLOSE';
    const spec: TableSpec = { sendOldValues: false, storeName: store.name };
    const makeProcessor = (): AbstractTimeWindowAggregateProcessor<K, V, VAgg> =>
      sliding
        ? new SlidingWindowAggregateProcessor(spec, emitOnClose, windows, initializer, aggregator)
        : new TimeWindowAggregateProcessor(spec, emitOnClose, windows, initializer, aggregator);
    builder.addProcessor(name, makeProcessor, source);
    addWindowStore(builder, store, materialized?.windowStoreSupplier, retention, windowSize, name);
    // For suppress(untilWindowCloses): windows close at end + grace.
    declareWindowGrace(builder, name, windows.gracePeriodMs());
    const keySerde: SerdeLike<Windowed<K>> =
      store.keySerde === undefined
        ? (new DeferredTimeWindowedSerde<K>(undefined, windowSize) as unknown as SerdeLike<Windowed<K>>)
        : timeWindowedSerdeFrom(store.keySerde, windowSize);
    return new KTable<Windowed<K>, VAgg>(
      builder,
      name,
      keySerde,
      store.valueSerde,
      spec,
      () => {
        spec.sendOldValues = true;
        return true;
      },
      () => windowValueGetterSupplier<K, VAgg>(store.name),
    );
  }
}

/** How joins read a windowed table's row (Java's `KStreamWindowAggregateValueGetter`): its window store. */
function windowValueGetterSupplier<K, V>(storeName: string): KTableValueGetterSupplier<Windowed<K>, V> {
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
function retentionOf(storeName: string, windows: TimeWindows | SlidingWindows, given: number | undefined): number {
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

/** Adds the in-memory window store of a windowed aggregation, connected to its processor. */
function addWindowStore(
  builder: InternalStreamsBuilder,
  store: StoreSpec<any, any>,
  supplier: WindowStoreSupplier | undefined,
  retention: number,
  windowSize: number,
  processorName: string,
): void {
  if (supplier !== undefined && supplier.retainDuplicates)
    throw new TypeError(
      `window store "${supplier.name}" retains duplicates: a windowed aggregation needs one value per key and window`,
    );
  const storeBuilder = new WindowStoreBuilder(
    supplier ?? Stores.inMemoryWindowStore(store.name, retention, windowSize, false),
    store.keySerde,
    store.valueSerde,
    store.loggingEnabled,
    store.logConfig,
  );
  builder.topology.addStateStoreInternal(storeBuilder, !store.queryable, processorName);
  if (!store.queryable) {
    builder.topology.generatedInternalNames.push(`store "${store.name}"`);
    if (store.loggingEnabled) builder.topology.generatedInternalNames.push(`changelog topic of store "${store.name}"`);
  }
}

function zero(): number {
  return 0;
}

function increment(_key: unknown, _value: unknown, count: number): number {
  return count + 1;
}

function nullInitializer(): null {
  return null;
}
