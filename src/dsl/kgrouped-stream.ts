/**
 * A stream grouped by key (Java's `KGroupedStream`), ready to be aggregated into a table. If the key was
 * changed upstream, the aggregation first goes through a repartition topic named after the Grouped name or,
 * failing that, after the store (`<application.id>-<name>-repartition`).
 */
import type { SerdeLike } from '../processor/internals/serde-like.ts';
import { longSerde } from '../serdes/primitive-serdes.ts';
import { CogroupedKStream } from './cogrouped-kstream.ts';
import { AbstractStream } from './internals/abstract-stream.ts';
import { StreamAggregateProcessor, StreamReduceProcessor } from './internals/aggregate-processors.ts';
import type { InternalStreamsBuilder, StoreSpec } from './internals/internal-streams-builder.ts';
import { aggregationTable } from './internals/table-nodes.ts';
import type { TableSpec } from './internals/table-processors.ts';
import type { KTable } from './ktable.ts';
import type { Materialized } from './materialized.ts';
import type { Named } from './named.ts';
import { SessionWindowedKStream } from './session-windowed-kstream.ts';
import { SessionWindows } from './session-windows.ts';
import { SlidingWindows } from './sliding-windows.ts';
import { TimeWindowedKStream } from './time-windowed-kstream.ts';
import { TimeWindows } from './time-windows.ts';

export class KGroupedStream<K, V> extends AbstractStream<K, V> {
  /** @internal the Grouped name, which names the repartition topic */
  readonly groupedName: string | undefined;
  /** @internal */
  readonly repartitionRequired: boolean;

  /** @internal made by KStream#groupBy / groupByKey */
  constructor(
    builder: InternalStreamsBuilder,
    nodeName: string,
    keySerde: SerdeLike<K> | undefined,
    valueSerde: SerdeLike<V> | undefined,
    groupedName: string | undefined,
    repartitionRequired: boolean,
  ) {
    super(builder, nodeName, keySerde, valueSerde);
    this.groupedName = groupedName;
    this.repartitionRequired = repartitionRequired;
  }

  /** The repartition source of a named grouping, shared by all its aggregations (as in Kafka Streams). */
  private namedRepartitionSource: string | undefined;

  /** @internal the node aggregations read from: this stream, or the source of its repartition topic */
  sourceFor(store: StoreSpec<K, unknown>): string {
    if (!this.repartitionRequired) return this.nodeName;
    if (this.namedRepartitionSource !== undefined) {
      // Kafka Streams still numbers the sink, filter and source it does not create again.
      for (const prefix of ['KSTREAM-SINK-', 'KSTREAM-FILTER-', 'KSTREAM-SOURCE-'])
        this.builder.newProcessorName(prefix);
      return this.namedRepartitionSource;
    }
    const source = this.builder.repartition(this.nodeName, this.groupedName ?? store.name, {
      keySerde: this.keySerde,
      valueSerde: this.valueSerde,
      generatedName: this.groupedName === undefined && !store.queryable,
    });
    if (this.groupedName !== undefined) this.namedRepartitionSource = source;
    return source;
  }

  private build<VAgg>(
    prefix: string,
    store: StoreSpec<K, VAgg>,
    named: Named | undefined,
    makeProcessor: (spec: TableSpec) => StreamAggregateProcessor<K, V, VAgg> | StreamReduceProcessor<K, V>,
  ): KTable<K, VAgg> {
    const name = this.builder.name(named?.name, prefix);
    const source = this.sourceFor(store as StoreSpec<K, unknown>);
    return aggregationTable(this.builder, name, source, store, makeProcessor);
  }

  /** Counts records per key (records with a null key or value are skipped). */
  count(materialized?: Materialized<K, number>, named?: Named): KTable<K, number> {
    const store = this.builder.storeSpec<K, number>(materialized, 'KSTREAM-AGGREGATE-', this.keySerde, longSerde);
    return this.build(
      'KSTREAM-AGGREGATE-',
      store,
      named,
      (spec) => new StreamAggregateProcessor<K, V, number>(spec, zero, increment),
    );
  }

  /** Combines the values of each key with `reducer(aggregate, value)`. */
  reduce(reducer: (aggregate: V, value: V) => V, materialized?: Materialized<K, V>, named?: Named): KTable<K, V> {
    const store = this.builder.storeSpec<K, V>(materialized, 'KSTREAM-REDUCE-', this.keySerde, this.valueSerde);
    return this.build('KSTREAM-REDUCE-', store, named, (spec) => new StreamReduceProcessor<K, V>(spec, reducer));
  }

  /** Folds the values of each key into an aggregate, starting from `initializer()`. */
  aggregate<VAgg>(
    initializer: () => VAgg,
    aggregator: (key: K, value: V, aggregate: VAgg) => VAgg,
    materialized?: NoInfer<Materialized<K, VAgg>>,
    named?: Named,
  ): KTable<K, VAgg> {
    const store = this.builder.storeSpec<K, VAgg>(materialized, 'KSTREAM-AGGREGATE-', this.keySerde, undefined);
    return this.build(
      'KSTREAM-AGGREGATE-',
      store,
      named,
      (spec) => new StreamAggregateProcessor(spec, initializer, aggregator),
    );
  }

  /** Cuts each key's records into sessions for session-windowed aggregations (`count`, `reduce`, `aggregate`). */
  windowedBy(windows: SessionWindows): SessionWindowedKStream<K, V>;
  /** Cuts the stream into time windows (tumbling, hopping or sliding) for aggregations per key and window. */
  windowedBy(windows: TimeWindows | SlidingWindows): TimeWindowedKStream<K, V>;
  windowedBy(
    windows: SessionWindows | TimeWindows | SlidingWindows,
  ): SessionWindowedKStream<K, V> | TimeWindowedKStream<K, V> {
    if (windows instanceof SessionWindows) return new SessionWindowedKStream<K, V>(this, windows);
    if (windows instanceof TimeWindows || windows instanceof SlidingWindows)
      return new TimeWindowedKStream<K, V>(this, windows);
    throw new TypeError(
      'windowedBy needs SessionWindows, TimeWindows or SlidingWindows (e.g. TimeWindows.ofSizeWithNoGrace(60_000))',
    );
  }

  /** Starts a cogroup: several grouped streams aggregated into one table, each with its own aggregator. */
  cogroup<VAgg>(aggregator: (key: K, value: V, aggregate: VAgg) => VAgg): CogroupedKStream<K, VAgg> {
    return new CogroupedKStream<K, VAgg>(this.builder).cogroup(this, aggregator);
  }
}

function zero(): number {
  return 0;
}

function increment(_key: unknown, _value: unknown, count: number): number {
  return count + 1;
}
