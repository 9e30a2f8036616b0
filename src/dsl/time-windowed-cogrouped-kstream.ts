/**
 * Cogrouped streams cut into time windows (Java's `TimeWindowedCogroupedKStream`, made by
 * `CogroupedKStream#windowedBy(TimeWindows | SlidingWindows)`): each grouped stream folds its records into the
 * windows of its key with its own aggregator, all sharing one window store, and the results merge into one
 * `KTable<Windowed<K>, VAgg>`. As in Kafka Streams, every update is emitted (no emit strategy here).
 */
import type { InternalStreamsBuilder, StoreSpec } from './internals/internal-streams-builder.ts';
import { SlidingWindowAggregateProcessor } from './internals/sliding-window-aggregate-processor.ts';
import { PassThroughProcessor } from './internals/stream-processors.ts';
import type { TableSpec } from './internals/table-processors.ts';
import { TimeWindowAggregateProcessor } from './internals/time-window-aggregate-processor.ts';
import { declareWindowGrace } from './internals/window-grace.ts';
import { addWindowStore, retentionOf, windowedTable, windowSizeOf } from './internals/windowed-aggregation.ts';
import type { KGroupedStream } from './kgrouped-stream.ts';
import type { KTable } from './ktable.ts';
import type { Named } from './named.ts';
import { SlidingWindows } from './sliding-windows.ts';
import type { WindowMaterialized } from './time-windowed-kstream.ts';
import type { TimeWindows } from './time-windows.ts';
import type { Windowed } from './windowed.ts';

const AGGREGATE_NAME = 'COGROUPKSTREAM-AGGREGATE-';
const MERGE_NAME = 'COGROUPKSTREAM-MERGE-';

/** One grouped stream of the cogroup and its aggregator. */
export interface WindowedCogroupPart<K, VAgg> {
  readonly stream: KGroupedStream<K, any>;
  readonly aggregator: (key: K, value: any, aggregate: VAgg) => VAgg;
}

export class TimeWindowedCogroupedKStream<K, VAgg> {
  private readonly builder: InternalStreamsBuilder;
  private readonly parts: readonly WindowedCogroupPart<K, VAgg>[];
  private readonly windows: TimeWindows | SlidingWindows;

  /** @internal made by CogroupedKStream#windowedBy */
  constructor(
    builder: InternalStreamsBuilder,
    parts: readonly WindowedCogroupPart<K, VAgg>[],
    windows: TimeWindows | SlidingWindows,
  ) {
    this.builder = builder;
    this.parts = parts;
    this.windows = windows;
  }

  /** Aggregates every stream into one windowed table, each window starting from `initializer()`. */
  aggregate(
    initializer: () => VAgg,
    materialized?: WindowMaterialized<K, VAgg>,
    named?: Named,
  ): KTable<Windowed<K>, VAgg> {
    if (typeof initializer !== 'function') throw new TypeError('aggregate() needs an initializer function');
    const builder = this.builder;
    const windows = this.windows;
    const first = this.parts[0]!.stream;
    const store = builder.storeSpec<K, VAgg>(materialized, AGGREGATE_NAME, first.keySerde, undefined);
    const retention = retentionOf(store.name, windows, materialized?.retention);
    const windowSize = windowSizeOf(windows);
    const spec: TableSpec = { sendOldValues: false, storeName: store.name };
    // As Kafka Streams: every repartition topic first, then the aggregation processors (generated names count).
    const sources = this.parts.map((part) => part.stream.sourceFor(store as StoreSpec<K, unknown>));
    const aggregateNames: string[] = [];
    let index = 0;
    for (const part of this.parts) {
      const source = sources[index]!;
      const name = builder.suffixed(named?.name, `-cogroup-agg-${index++}`, AGGREGATE_NAME);
      const aggregator = part.aggregator;
      builder.addProcessor(
        name,
        () =>
          windows instanceof SlidingWindows
            ? new SlidingWindowAggregateProcessor(spec, false, windows, initializer, aggregator)
            : new TimeWindowAggregateProcessor(spec, false, windows, initializer, aggregator),
        source,
      );
      declareWindowGrace(builder, name, windows.gracePeriodMs());
      aggregateNames.push(name);
    }
    addWindowStore(builder, store, materialized?.windowStoreSupplier, retention, windowSize, ...aggregateNames);
    const mergeName = builder.suffixed(named?.name, '-cogroup-merge', MERGE_NAME);
    builder.addProcessor(mergeName, () => new PassThroughProcessor(), ...aggregateNames);
    return windowedTable<K, VAgg>(builder, mergeName, store, spec, windowSize);
  }
}
