/**
 * A stream of records (Java's `KStream`): every record is an independent event. Operators return new streams
 * whose key and value types follow from the functions given, so types flow from the source to the sink
 * without annotations. Operators only build the topology; records flow when a driver runs it.
 */
import type { SerdeLike } from '../processor/internals/serde-like.ts';
import {
  type FixedKeyProcessorSupplier,
  type ProcessorSupplier,
  supplierGet,
  supplierStores,
} from '../processor/processor.ts';
import type { ExternalSink, ToSinkOptions } from '../sink/external-sink.ts';
import { addExternalSink } from '../sink/internals/add-external-sink.ts';
import type { KeyValue } from '../state/key-value-store.ts';
import type { TopicNameExtractor } from '../topology/internals/node-definitions.ts';
import { BranchedKStream } from './branched-kstream.ts';
import { GlobalKTable } from './global-ktable.ts';
import type { Grouped } from './grouped.ts';
import { AbstractStream } from './internals/abstract-stream.ts';
import type { InternalStreamsBuilder } from './internals/internal-streams-builder.ts';
import { globalTableJoin, streamStreamJoin, streamTableJoin } from './internals/join-builders.ts';
import {
  FilterProcessor,
  FlatMapProcessor,
  FlatMapValuesProcessor,
  MapProcessor,
  MapValuesProcessor,
  PassThroughProcessor,
  PeekProcessor,
  SelectKeyProcessor,
} from './internals/stream-processors.ts';
import { sourceTable } from './internals/table-nodes.ts';
import type { JoinWindows } from './join-windows.ts';
import type { Joined } from './joined.ts';
import { KGroupedStream } from './kgrouped-stream.ts';
import type { KTable } from './ktable.ts';
import type { Materialized } from './materialized.ts';
import type { Named } from './named.ts';
import type { Produced } from './produced.ts';
import type { Repartitioned } from './repartitioned.ts';
import type { StreamJoined } from './stream-joined.ts';
import type { KeySelector, ValueJoiner } from './value-joiner.ts';

/** A key-value pair returned by `map`/`flatMap`: a `[key, value]` tuple or `{ key, value }`. */
export type KeyValuePair<K, V> = readonly [K, V] | KeyValue<K, V>;

export class KStream<K, V> extends AbstractStream<K, V> {
  /** @internal true after a key change: grouping or toTable must repartition first. */
  readonly repartitionRequired: boolean;

  /** @internal streams are made by StreamsBuilder and by operators */
  constructor(
    builder: InternalStreamsBuilder,
    nodeName: string,
    keySerde: SerdeLike<K> | undefined,
    valueSerde: SerdeLike<V> | undefined,
    repartitionRequired: boolean,
  ) {
    super(builder, nodeName, keySerde, valueSerde);
    this.repartitionRequired = repartitionRequired;
  }

  private derive<K2, V2>(
    name: string,
    keySerde: SerdeLike<K2> | undefined,
    valueSerde: SerdeLike<V2> | undefined,
    repartitionRequired = this.repartitionRequired,
  ): KStream<K2, V2> {
    return new KStream<K2, V2>(this.builder, name, keySerde, valueSerde, repartitionRequired);
  }

  /** Keeps the records for which `predicate` holds. */
  filter(predicate: (key: K, value: V) => boolean, named?: Named): KStream<K, V> {
    const name = this.builder.name(named?.name, 'KSTREAM-FILTER-');
    this.builder.addProcessor(name, () => new FilterProcessor(predicate, false), this.nodeName);
    return this.derive(name, this.keySerde, this.valueSerde);
  }

  /** Drops the records for which `predicate` holds. */
  filterNot(predicate: (key: K, value: V) => boolean, named?: Named): KStream<K, V> {
    const name = this.builder.name(named?.name, 'KSTREAM-FILTER-');
    this.builder.addProcessor(name, () => new FilterProcessor(predicate, true), this.nodeName);
    return this.derive(name, this.keySerde, this.valueSerde);
  }

  /** Replaces key and value; a later grouping repartitions by the new key. */
  map<KR, VR>(mapper: (key: K, value: V) => KeyValuePair<KR, VR>, named?: Named): KStream<KR, VR> {
    const name = this.builder.name(named?.name, 'KSTREAM-MAP-');
    this.builder.addProcessor(name, () => new MapProcessor(mapper), this.nodeName);
    return this.derive<KR, VR>(name, undefined, undefined, true);
  }

  /** Replaces the value, keeping the key (and the partitioning). */
  mapValues<VR>(mapper: (value: V, key: K) => VR, named?: Named): KStream<K, VR> {
    const name = this.builder.name(named?.name, 'KSTREAM-MAPVALUES-');
    this.builder.addProcessor(name, () => new MapValuesProcessor(mapper), this.nodeName);
    return this.derive<K, VR>(name, this.keySerde, undefined);
  }

  /** Replaces each record by zero or more records. */
  flatMap<KR, VR>(mapper: (key: K, value: V) => Iterable<KeyValuePair<KR, VR>>, named?: Named): KStream<KR, VR> {
    const name = this.builder.name(named?.name, 'KSTREAM-FLATMAP-');
    this.builder.addProcessor(name, () => new FlatMapProcessor(mapper), this.nodeName);
    return this.derive<KR, VR>(name, undefined, undefined, true);
  }

  /** Replaces each value by zero or more values, keeping the key. */
  flatMapValues<VR>(mapper: (value: V, key: K) => Iterable<VR>, named?: Named): KStream<K, VR> {
    const name = this.builder.name(named?.name, 'KSTREAM-FLATMAPVALUES-');
    this.builder.addProcessor(name, () => new FlatMapValuesProcessor(mapper), this.nodeName);
    return this.derive<K, VR>(name, this.keySerde, undefined);
  }

  /** Sets a new key computed from the record; a later grouping repartitions by it. */
  selectKey<KR>(selector: (key: K, value: V) => KR, named?: Named): KStream<KR, V> {
    const name = this.builder.name(named?.name, 'KSTREAM-KEY-SELECT-');
    this.builder.addProcessor(name, () => new SelectKeyProcessor(selector), this.nodeName);
    return this.derive<KR, V>(name, undefined, this.valueSerde, true);
  }

  /** Runs `action` on each record and passes the record on unchanged. */
  peek(action: (key: K, value: V) => void, named?: Named): KStream<K, V> {
    const name = this.builder.name(named?.name, 'KSTREAM-PEEK-');
    this.builder.addProcessor(name, () => new PeekProcessor(action, true), this.nodeName);
    return this.derive(name, this.keySerde, this.valueSerde);
  }

  /** Runs `action` on each record (terminal). */
  foreach(action: (key: K, value: V) => void, named?: Named): void {
    const name = this.builder.name(named?.name, 'KSTREAM-FOREACH-');
    this.builder.addProcessor(name, () => new PeekProcessor(action, false), this.nodeName);
  }

  /** Splits the stream into branches by predicates (Java's `split()`); see BranchedKStream. */
  split(named?: Named): BranchedKStream<K, V> {
    return new BranchedKStream(this, named?.name);
  }

  /** Merges two streams into one (no ordering guarantee between them). */
  merge(other: KStream<K, V>, named?: Named): KStream<K, V> {
    if (other.builder !== this.builder) throw new TypeError('merge() needs two streams of the same StreamsBuilder');
    const name = this.builder.name(named?.name, 'KSTREAM-MERGE-');
    this.builder.addProcessor(name, () => new PassThroughProcessor(), this.nodeName, other.nodeName);
    return this.derive(name, undefined, undefined, this.repartitionRequired || other.repartitionRequired);
  }

  /** Writes the stream to a topic, or to the topic `topic(key, value, context)` picks per record. */
  to(topic: string | TopicNameExtractor<K, V>, produced?: Produced<K, V>): void {
    const name = this.builder.name(produced?.name, 'KSTREAM-SINK-');
    this.builder.topology.addSink<K, V>(
      name,
      topic,
      {
        keySerde: produced?.keySerde ?? this.keySerde,
        valueSerde: produced?.valueSerde ?? this.valueSerde,
        partitioner: produced?.partitioner,
      },
      this.nodeName,
    );
  }

  /**
   * Writes the stream to a system outside Kafka (a database...): see ExternalSink. Not an overload of `to`,
   * whose every form means a Kafka topic (a Sink node in describe()); here records leave Kafka, with
   * at-least-once delivery tied to the commits (the sink is written and flushed before offsets are committed).
   */
  toSink(sink: ExternalSink<K, V>, options?: ToSinkOptions): void {
    addExternalSink(this.builder, this.nodeName, sink, options);
  }

  /** Writes the stream through a repartition topic `<application.id>-<name>-repartition` and reads it back. */
  repartition(repartitioned?: Repartitioned<K, V>): KStream<K, V> {
    const given = repartitioned?.name;
    const prefix = given ?? this.builder.newProcessorName('KSTREAM-REPARTITION-');
    const partitions = repartitioned?.numberOfPartitions;
    if (partitions !== undefined && !(Number.isInteger(partitions) && partitions > 0)) {
      throw new RangeError(`repartition(): numberOfPartitions must be a positive integer, got ${partitions}`);
    }
    const keySerde = repartitioned?.keySerde ?? this.keySerde;
    const valueSerde = repartitioned?.valueSerde ?? this.valueSerde;
    const source = this.builder.repartition(this.nodeName, prefix, {
      keySerde,
      valueSerde,
      partitions,
      partitioner: repartitioned?.partitioner,
      generatedName: given === undefined,
    });
    return this.derive(source, keySerde, valueSerde, false);
  }

  /** Turns the stream into a table: each record updates (or, with a null value, deletes) its key's row. */
  toTable(materialized?: Materialized<K, V>, named?: Named): KTable<K, V> {
    const builder = this.builder;
    const name = builder.name(named?.name, 'KSTREAM-TOTABLE-');
    const store = builder.storeSpec(materialized, 'KSTREAM-TOTABLE-', this.keySerde, this.valueSerde);
    let parent = this.nodeName;
    if (this.repartitionRequired) {
      parent = builder.repartition(parent, name, {
        keySerde: store.keySerde,
        valueSerde: store.valueSerde,
        generatedName: named?.name === undefined,
      });
    }
    return sourceTable(builder, name, parent, store);
  }

  /** Groups by the current key; repartitions first if the key was changed upstream. */
  groupByKey(grouped?: Grouped<K, V>): KGroupedStream<K, V> {
    return new KGroupedStream<K, V>(
      this.builder,
      this.nodeName,
      grouped?.keySerde ?? this.keySerde,
      grouped?.valueSerde ?? this.valueSerde,
      grouped?.name,
      this.repartitionRequired,
    );
  }

  /** Groups by a new key (always through a repartition topic). */
  groupBy<KR>(selector: (key: K, value: V) => KR, grouped?: NoInfer<Grouped<KR, V>>): KGroupedStream<KR, V> {
    const name = this.builder.name(grouped?.name, 'KSTREAM-KEY-SELECT-');
    this.builder.addProcessor(name, () => new SelectKeyProcessor(selector), this.nodeName);
    return new KGroupedStream<KR, V>(
      this.builder,
      name,
      grouped?.keySerde,
      grouped?.valueSerde ?? this.valueSerde,
      grouped?.name,
      true,
    );
  }

  /**
   * Runs a Processor API processor on each record (Java's `process`). It may forward any keys and values;
   * stores named here (or returned by the supplier's `stores()`) are connected to it.
   */
  process<KOut, VOut>(
    supplier: ProcessorSupplier<K, V, KOut, VOut>,
    namedOrStore?: Named | string,
    ...storeNames: string[]
  ): KStream<KOut, VOut> {
    const name = this.addProcessorNode('KSTREAM-PROCESSOR-', supplier, namedOrStore, storeNames);
    return this.derive<KOut, VOut>(name, undefined, undefined, true);
  }

  /** Like `process`, but the processor may only change values (Java's `processValues`): no repartition needed. */
  processValues<VOut>(
    supplier: FixedKeyProcessorSupplier<K, V, VOut>,
    namedOrStore?: Named | string,
    ...storeNames: string[]
  ): KStream<K, VOut> {
    const name = this.addProcessorNode('KSTREAM-PROCESSVALUES-', supplier, namedOrStore, storeNames);
    return this.derive<K, VOut>(name, this.keySerde, undefined);
  }

  private addProcessorNode(
    prefix: string,
    supplier: ProcessorSupplier<any, any, any, any> | FixedKeyProcessorSupplier<any, any, any>,
    namedOrStore: Named | string | undefined,
    storeNames: string[],
  ): string {
    const stores = typeof namedOrStore === 'string' ? [namedOrStore, ...storeNames] : storeNames;
    const given = typeof namedOrStore === 'object' ? namedOrStore.name : undefined;
    const name = this.builder.name(given, prefix);
    const topology = this.builder.topology;
    topology.addProcessor(name, () => supplierGet(supplier as () => any), this.nodeName);
    for (const store of supplierStores(supplier)) {
      if (!topology.stores.has(store.name)) topology.addStateStore(store);
      topology.connectProcessorAndStateStores(name, store.name);
    }
    if (stores.length > 0) topology.connectProcessorAndStateStores(name, ...stores);
    return name;
  }
  /**
   * Inner joins (Java's `KStream#join`), by what is joined:
   * - a KTable: each record is joined with the table's current row of its key (no row: no output);
   * - a GlobalKTable: with the row of the key `keySelector(key, value)` picks;
   * - a KStream: with the other stream's records of the same key whose timestamps are within `windows`.
   * The joiner's result is the new value; the stream's key stays.
   */
  join<VT, VR>(table: KTable<K, VT>, joiner: ValueJoiner<V, VT, VR, K>, joined?: Joined<K, V, VT>): KStream<K, VR>;
  join<KG, VG, VR>(
    globalTable: GlobalKTable<KG, VG>,
    keySelector: KeySelector<K, V, KG>,
    joiner: ValueJoiner<V, VG, VR, K>,
    named?: Named,
  ): KStream<K, VR>;
  join<VO, VR>(
    otherStream: KStream<K, VO>,
    joiner: ValueJoiner<V, VO, VR, K>,
    windows: JoinWindows,
    streamJoined?: StreamJoined<K, V, VO>,
  ): KStream<K, VR>;
  join(other: unknown, a: unknown, b?: unknown, c?: unknown): KStream<K, unknown> {
    return this.doJoin('join', other, a, b, c, false, false);
  }

  /** Like `join`, but every record is kept: the table's or other stream's value is null where none matched. */
  leftJoin<VT, VR>(
    table: KTable<K, VT>,
    joiner: ValueJoiner<V, VT | null, VR, K>,
    joined?: Joined<K, V, VT>,
  ): KStream<K, VR>;
  leftJoin<KG, VG, VR>(
    globalTable: GlobalKTable<KG, VG>,
    keySelector: KeySelector<K, V, KG>,
    joiner: ValueJoiner<V, VG | null, VR, K>,
    named?: Named,
  ): KStream<K, VR>;
  leftJoin<VO, VR>(
    otherStream: KStream<K, VO>,
    joiner: ValueJoiner<V, VO | null, VR, K>,
    windows: JoinWindows,
    streamJoined?: StreamJoined<K, V, VO>,
  ): KStream<K, VR>;
  leftJoin(other: unknown, a: unknown, b?: unknown, c?: unknown): KStream<K, unknown> {
    return this.doJoin('leftJoin', other, a, b, c, true, false);
  }

  /**
   * Windowed outer join of two streams: every record of either side is kept; a record without a match is
   * emitted (with null for the other side) once its window has closed.
   */
  outerJoin<VO, VR>(
    otherStream: KStream<K, VO>,
    joiner: ValueJoiner<V | null, VO | null, VR, K>,
    windows: JoinWindows,
    streamJoined?: StreamJoined<K, V, VO>,
  ): KStream<K, VR> {
    return this.doJoin('outerJoin', otherStream, joiner, windows, streamJoined, true, true) as KStream<K, VR>;
  }

  private doJoin(
    operation: string,
    other: unknown,
    a: unknown,
    b: unknown,
    c: unknown,
    leftOuter: boolean,
    rightOuter: boolean,
  ): KStream<K, unknown> {
    if (other instanceof GlobalKTable) {
      if (rightOuter) throw new TypeError(`${operation}() cannot join a GlobalKTable`);
      if (typeof a !== 'function' || typeof b !== 'function')
        throw new TypeError(
          `${operation}(globalTable, keySelector, joiner) needs a key selector and a joiner function`,
        );
      const name = globalTableJoin(this, other, a as any, b as any, c as Named | undefined, leftOuter);
      return this.derive(name, this.keySerde, undefined);
    }
    if (typeof a !== 'function') throw new TypeError(`${operation}() needs a joiner function`);
    if (other instanceof KStream) {
      const result = streamStreamJoin(this, other, a as any, b as JoinWindows, c as any, leftOuter, rightOuter);
      return this.derive(result.nodeName, result.keySerde, undefined, false);
    }
    const table = other as KTable<K, unknown> | undefined;
    if (rightOuter || table === null || typeof table?.valueGetterSupplier !== 'function')
      throw new TypeError(`${operation}() needs a KTable, a GlobalKTable or a KStream to join with`);
    const result = streamTableJoin(this, table, a as any, b as Joined<K, V, unknown> | undefined, leftOuter);
    return this.derive(result.nodeName, result.keySerde, undefined, false);
  }
}
