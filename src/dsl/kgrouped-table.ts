/**
 * A table re-grouped by a new key (Java's `KGroupedTable`). Its aggregations take an adder and a subtractor:
 * each change of a source row subtracts the old value from its old group and adds the new value to its new
 * group, so the result stays right when rows move between groups.
 */
import type { SerdeLike } from '../processor/internals/serde-like.ts';
import { longSerde } from '../serdes/primitive-serdes.ts';
import { AbstractStream } from './internals/abstract-stream.ts';
import { TableAggregateProcessor, TableReduceProcessor } from './internals/aggregate-processors.ts';
import type { Change } from './internals/change.ts';
import { ChangeSerde } from './internals/change-serde.ts';
import type { InternalStreamsBuilder, StoreSpec } from './internals/internal-streams-builder.ts';
import { aggregationTable } from './internals/table-nodes.ts';
import type { TableSpec } from './internals/table-processors.ts';
import type { KTable } from './ktable.ts';
import type { Materialized } from './materialized.ts';
import type { Named } from './named.ts';

export class KGroupedTable<K, V> extends AbstractStream<K, V> {
  private readonly groupedName: string | undefined;

  /** @internal made by KTable#groupBy */
  constructor(
    builder: InternalStreamsBuilder,
    nodeName: string,
    keySerde: SerdeLike<K> | undefined,
    valueSerde: SerdeLike<V> | undefined,
    groupedName: string | undefined,
  ) {
    super(builder, nodeName, keySerde, valueSerde);
    this.groupedName = groupedName;
  }

  private build<VAgg>(
    prefix: string,
    store: StoreSpec<K, VAgg>,
    named: Named | undefined,
    makeProcessor: (spec: TableSpec) => TableAggregateProcessor<K, V, VAgg> | TableReduceProcessor<K, V>,
  ): KTable<K, VAgg> {
    const builder = this.builder;
    const sinkName = builder.suffixed(named?.name, '-sink', 'KSTREAM-SINK-');
    const sourceName = builder.suffixed(named?.name, '-source', 'KSTREAM-SOURCE-');
    const name = builder.name(named?.name, prefix);
    const topic = `${this.groupedName ?? store.name}-repartition`;
    const generatedName = this.groupedName === undefined && !store.queryable;
    const topology = builder.topology;
    topology.addRepartitionTopic({ name: topic, partitions: undefined, generatedName });
    if (generatedName) topology.generatedInternalNames.push(`repartition topic "${topic}"`);
    const changeSerde = new ChangeSerde<V>(this.valueSerde) as unknown as SerdeLike<Change<V>>;
    topology.addSink(sinkName, topic, { keySerde: this.keySerde, valueSerde: changeSerde }, this.nodeName);
    topology.addSource(sourceName, topic, { keySerde: this.keySerde, valueSerde: changeSerde });
    return aggregationTable(builder, name, sourceName, store, makeProcessor);
  }

  /** Counts rows per group. */
  count(materialized?: Materialized<K, number>, named?: Named): KTable<K, number> {
    const store = this.builder.storeSpec<K, number>(materialized, 'KTABLE-AGGREGATE-', this.keySerde, longSerde);
    return this.build(
      'KTABLE-AGGREGATE-',
      store,
      named,
      (spec) =>
        new TableAggregateProcessor<K, V, number>(
          spec,
          () => 0,
          (_k, _v, n) => n + 1,
          (_k, _v, n) => n - 1,
        ),
    );
  }

  /** Combines rows per group with `adder(aggregate, value)`, taking rows out with `subtractor(aggregate, value)`. */
  reduce(
    adder: (aggregate: V, value: V) => V,
    subtractor: (aggregate: V, value: V) => V,
    materialized?: Materialized<K, V>,
    named?: Named,
  ): KTable<K, V> {
    const store = this.builder.storeSpec<K, V>(materialized, 'KTABLE-AGGREGATE-', this.keySerde, this.valueSerde);
    return this.build(
      'KTABLE-REDUCE-',
      store,
      named,
      (spec) => new TableReduceProcessor<K, V>(spec, adder, subtractor),
    );
  }

  /** Folds rows per group, starting from `initializer()`. */
  aggregate<VAgg>(
    initializer: () => VAgg,
    adder: (key: K, value: V, aggregate: VAgg) => VAgg,
    subtractor: (key: K, value: V, aggregate: VAgg) => VAgg,
    materialized?: NoInfer<Materialized<K, VAgg>>,
    named?: Named,
  ): KTable<K, VAgg> {
    const store = this.builder.storeSpec<K, VAgg>(materialized, 'KTABLE-AGGREGATE-', this.keySerde, undefined);
    return this.build(
      'KTABLE-AGGREGATE-',
      store,
      named,
      (spec) => new TableAggregateProcessor(spec, initializer, adder, subtractor),
    );
  }
}
