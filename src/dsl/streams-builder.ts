/**
 * The entry point of the DSL (Java's `StreamsBuilder`): read topics as streams or tables, chain operators,
 * then `build()` the Topology to run with KafkaStreams or the TopologyTestDriver.
 *
 * Types flow from here, and they come from the source's serdes:
 * `builder.stream('orders', Consumed.with(Serdes.String(), Serdes.JSON<Order>()))` is a
 * `KStream<string, Order>` (so is the plain-object form `{ keySerde, valueSerde }`). Without serdes a source
 * is `KStream<string, string>`: a source without a serde reads strings. Type arguments other than string
 * (`stream<string, Order>('orders')`) are a compile error unless the serdes come with them.
 *
 * `default.key.serde`/`default.value.serde` from the config still apply at runtime to a source without
 * serdes, but the compiler cannot see the config, so such a source is typed as strings. To type it, give its
 * serdes here (they take precedence over the defaults); a serde in `Materialized` alone does not type a table.
 */
import { KeyValueStoreBuilder, type StoreBuilder } from '../state/store-builder.ts';
import type { Topology } from '../topology/topology.ts';
import type { Consumed, ConsumedArgument, ConsumedWithSerdes, StringLike } from './consumed.ts';
import { GlobalKTable } from './global-ktable.ts';
import { InternalStreamsBuilder } from './internals/internal-streams-builder.ts';
import { sourceTable } from './internals/table-nodes.ts';
import { TableSourceProcessor, type TableSpec } from './internals/table-processors.ts';
import { KStream } from './kstream.ts';
import type { KTable } from './ktable.ts';
import type { Materialized } from './materialized.ts';

/**
 * The arguments after the topic of `table`/`globalTable`: like `stream`'s consumed argument (required, with
 * serdes, unless K and V are string-like), then the store's options, checked against K and V (they do not
 * infer them).
 */
export type TableArguments<K, V> = [K, V] extends [StringLike, StringLike]
  ? [consumed?: Consumed<K, V>, materialized?: NoInfer<Materialized<K, V>>]
  : [consumedWithSerdes: ConsumedWithSerdes<K, V>, materialized?: NoInfer<Materialized<K, V>>];

export class StreamsBuilder {
  private readonly internal = new InternalStreamsBuilder();

  /** A stream of the records of one or more topics, or of every topic matching a pattern. */
  stream<K = string, V = string>(
    topics: string | readonly string[] | RegExp,
    // Named for the compiler's message when it is missing: "Arguments for the rest parameter '...' were not provided".
    ...consumedWithSerdesUnlessKeyAndValueAreStrings: ConsumedArgument<K, V>
  ): KStream<K, V> {
    const consumed: Consumed<K, V> | undefined = consumedWithSerdesUnlessKeyAndValueAreStrings[0];
    const name = this.internal.name(consumed?.name, 'KSTREAM-SOURCE-');
    this.internal.topology.addSource<K, V>(name, topics, {
      keySerde: consumed?.keySerde,
      valueSerde: consumed?.valueSerde,
      timestampExtractor: consumed?.timestampExtractor,
    });
    return new KStream<K, V>(this.internal, name, consumed?.keySerde, consumed?.valueSerde, false);
  }

  /**
   * A table of a topic's latest value per key. It is kept in a store (`Materialized.as(name)` names it) when
   * it is queried or when an operator needs old values (e.g. `groupBy`).
   */
  table<K = string, V = string>(
    topic: string,
    // Named for the compiler's message when it is missing (see stream()).
    ...consumedWithSerdesUnlessKeyAndValueAreStringsThenMaterialized: TableArguments<K, V>
  ): KTable<K, V> {
    const { store, sourceName, processorName, sourceOptions } = this.tableSource(
      topic,
      ...consumedWithSerdesUnlessKeyAndValueAreStringsThenMaterialized,
    );
    this.internal.topology.addSource<K, V>(sourceName, topic, sourceOptions);
    return sourceTable(this.internal, processorName, sourceName, store);
  }

  /**
   * A table of a topic's latest value per key, replicated in full to every instance (see GlobalKTable). Its
   * store is named by `Materialized.as(name)`, or `<topic>-STATE-STORE-<n>`; it is not logged (the topic is
   * its changelog).
   */
  globalTable<K = string, V = string>(
    topic: string,
    // Named for the compiler's message when it is missing (see stream()).
    ...consumedWithSerdesUnlessKeyAndValueAreStringsThenMaterialized: TableArguments<K, V>
  ): GlobalKTable<K, V> {
    const { store, sourceName, processorName, sourceOptions } = this.tableSource(
      topic,
      ...consumedWithSerdesUnlessKeyAndValueAreStringsThenMaterialized,
    );
    const spec: TableSpec = { sendOldValues: false, storeName: store.name };
    this.internal.topology.addGlobalStore<K, V>(
      new KeyValueStoreBuilder({ name: store.name, kind: 'in-memory' }, store.keySerde, store.valueSerde, false),
      sourceName,
      topic,
      sourceOptions,
      processorName,
      () => new TableSourceProcessor<K, V>(spec) as never,
    );
    return new GlobalKTable<K, V>(store.name);
  }

  /**
   * What `table` and `globalTable` share: the store (serdes from Materialized, else from Consumed), the source
   * node and the table node (a named table's are "<name>-source" and "<name>", as in Kafka Streams), and the
   * source's options (serdes from Consumed, else from the store).
   */
  private tableSource<K, V>(topic: string, consumed?: Consumed<K, V>, materialized?: Materialized<K, V>) {
    const internal = this.internal;
    const store = internal.storeSpec<K, V>(
      materialized,
      `${topic}-`,
      materialized?.keySerde ?? consumed?.keySerde,
      materialized?.valueSerde ?? consumed?.valueSerde,
    );
    const sourceName = internal.suffixed(consumed?.name, '-source', 'KSTREAM-SOURCE-');
    const processorName = internal.name(consumed?.name, 'KTABLE-SOURCE-');
    const sourceOptions = {
      keySerde: consumed?.keySerde ?? store.keySerde,
      valueSerde: consumed?.valueSerde ?? store.valueSerde,
      timestampExtractor: consumed?.timestampExtractor,
    };
    return { store, sourceName, processorName, sourceOptions };
  }

  /** Adds a store for Processor API processors (connect it by naming it in `process(...)`). */
  addStateStore(builder: StoreBuilder): this {
    this.internal.topology.addStateStore(builder);
    return this;
  }

  /** The topology built so far (Kafka Streams' default, unoptimized layout). */
  build(): Topology {
    return this.internal.topology;
  }
}
