/**
 * Several grouped streams aggregated into one table (Java's `CogroupedKStream`): each stream has its own
 * aggregator, all share one store and one initializer, and their results merge into one table.
 */
import { StreamAggregateProcessor } from './internals/aggregate-processors.ts';
import type { InternalStreamsBuilder } from './internals/internal-streams-builder.ts';
import { PassThroughProcessor } from './internals/stream-processors.ts';
import { materializedTable } from './internals/table-nodes.ts';
import type { TableSpec } from './internals/table-processors.ts';
import type { KGroupedStream } from './kgrouped-stream.ts';
import type { KTable } from './ktable.ts';
import type { Materialized } from './materialized.ts';
import type { Named } from './named.ts';
import { SlidingWindows } from './sliding-windows.ts';
import { TimeWindowedCogroupedKStream } from './time-windowed-cogrouped-kstream.ts';
import { TimeWindows } from './time-windows.ts';

interface CogroupPart<K, VAgg> {
  readonly stream: KGroupedStream<K, any>;
  readonly aggregator: (key: K, value: any, aggregate: VAgg) => VAgg;
}

export class CogroupedKStream<K, VAgg> {
  private readonly builder: InternalStreamsBuilder;
  private readonly parts: CogroupPart<K, VAgg>[] = [];

  /** @internal made by KGroupedStream#cogroup */
  constructor(builder: InternalStreamsBuilder) {
    this.builder = builder;
  }

  /** Adds another grouped stream with its aggregator. */
  cogroup<V>(
    stream: KGroupedStream<K, V>,
    aggregator: (key: K, value: V, aggregate: VAgg) => VAgg,
  ): CogroupedKStream<K, VAgg> {
    if (this.parts.some((p) => p.stream === stream))
      throw new TypeError('cogroup(): this grouped stream was already added');
    this.parts.push({ stream, aggregator });
    return this;
  }

  /** Cuts the cogrouped streams into time windows (tumbling, hopping or sliding) for a windowed aggregate. */
  windowedBy(windows: TimeWindows | SlidingWindows): TimeWindowedCogroupedKStream<K, VAgg> {
    if (!(windows instanceof TimeWindows || windows instanceof SlidingWindows))
      throw new TypeError('CogroupedKStream#windowedBy needs TimeWindows or SlidingWindows');
    return new TimeWindowedCogroupedKStream<K, VAgg>(this.builder, this.parts, windows);
  }

  /** Aggregates all the streams into one table. */
  aggregate(initializer: () => VAgg, materialized?: Materialized<K, VAgg>, named?: Named): KTable<K, VAgg> {
    const builder = this.builder;
    const first = this.parts[0].stream;
    const store = builder.storeSpec<K, VAgg>(materialized, 'COGROUPKSTREAM-AGGREGATE-', first.keySerde, undefined);
    const spec: TableSpec = { sendOldValues: false, storeName: store.name };
    // As Kafka Streams: every repartition topic first, then the aggregation processors (generated names count).
    const sources = this.parts.map((part) => part.stream.sourceFor(store as never));
    const aggregateNames: string[] = [];
    let index = 0;
    for (const part of this.parts) {
      const source = sources[index]!;
      const name = builder.suffixed(named?.name, `-cogroup-agg-${index++}`, 'COGROUPKSTREAM-AGGREGATE-');
      const aggregator = part.aggregator;
      builder.addProcessor(name, () => new StreamAggregateProcessor(spec, initializer, aggregator), source);
      aggregateNames.push(name);
    }
    builder.addStore(store, ...aggregateNames);
    const mergeName = builder.suffixed(named?.name, '-cogroup-merge', 'COGROUPKSTREAM-MERGE-');
    builder.addProcessor(mergeName, () => new PassThroughProcessor(), ...aggregateNames);
    return materializedTable(builder, mergeName, store, spec);
  }
}
