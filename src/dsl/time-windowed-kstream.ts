import { longSerde } from '../serdes/primitive-serdes.ts';
import { EmitStrategy } from './emit-strategy.ts';
import type { InternalStreamsBuilder, StoreSpec } from './internals/internal-streams-builder.ts';
import { SlidingWindowAggregateProcessor } from './internals/sliding-window-aggregate-processor.ts';
import type { TableSpec } from './internals/table-processors.ts';
import {
  type AbstractTimeWindowAggregateProcessor,
  TimeWindowAggregateProcessor,
} from './internals/time-window-aggregate-processor.ts';
import { declareWindowGrace } from './internals/window-grace.ts';
import { addWindowStore, retentionOf, windowedTable, windowSizeOf } from './internals/windowed-aggregation.ts';
import type { KGroupedStream } from './kgrouped-stream.ts';
import type { KTable } from './ktable.ts';
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
    const windowSize = windowSizeOf(windows);
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
    return windowedTable<K, VAgg>(builder, name, store, spec, windowSize);
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
