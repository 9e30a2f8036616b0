/**
 * A changelog view of a stream (Java's `KTable`): one current value per key; each update replaces the
 * previous one, a null value deletes the key. Downstream operators receive changes (new and, when needed,
 * old values) so that aggregations over tables can subtract the old row and add the new one.
 */
import type { SerdeLike } from '../processor/internals/serde-like.ts';
import type { Grouped } from './grouped.ts';
import { AbstractStream } from './internals/abstract-stream.ts';
import { foreignKeyJoin } from './internals/foreign-key-join.ts';
import type { InternalStreamsBuilder } from './internals/internal-streams-builder.ts';
import { tableTableJoin } from './internals/join-builders.ts';
import {
  type KTableValueGetterSupplier,
  mappedValueGetterSupplier,
  storeValueGetterSupplier,
} from './internals/ktable-value-getter.ts';
import { ToStreamProcessor } from './internals/stream-processors.ts';
import { suppressTable } from './internals/suppress-processor.ts';
import { sourceTable } from './internals/table-nodes.ts';
import {
  TableFilterProcessor,
  TableMapValuesProcessor,
  TableRepartitionMapProcessor,
  type TableSpec,
} from './internals/table-processors.ts';
import { KGroupedTable } from './kgrouped-table.ts';
import { type KeyValuePair, KStream } from './kstream.ts';
import type { Materialized } from './materialized.ts';
import type { Named } from './named.ts';
import type { Suppressed } from './suppressed.ts';
import type { TableJoined } from './table-joined.ts';
import type { ValueJoiner } from './value-joiner.ts';

/** Turns on old values upstream (materializing a source table if `force`); returns whether it could. */
export type EnableSendingOldValues = (force: boolean) => boolean;

export class KTable<K, V> extends AbstractStream<K, V> {
  /** @internal */
  readonly spec: TableSpec;
  /** @internal */
  readonly enableSendingOldValues: EnableSendingOldValues;
  private readonly getterSupplier: (() => KTableValueGetterSupplier<K, V>) | undefined;

  /** @internal tables are made by StreamsBuilder and by operators */
  constructor(
    builder: InternalStreamsBuilder,
    nodeName: string,
    keySerde: SerdeLike<K> | undefined,
    valueSerde: SerdeLike<V> | undefined,
    spec: TableSpec,
    enableSendingOldValues: EnableSendingOldValues,
    valueGetterSupplier?: () => KTableValueGetterSupplier<K, V>,
  ) {
    super(builder, nodeName, keySerde, valueSerde);
    this.spec = spec;
    this.enableSendingOldValues = enableSendingOldValues;
    this.getterSupplier = valueGetterSupplier;
  }

  /**
   * @internal how joins read this table's rows (Java's `valueGetterSupplier`): its store when it has one
   * (a source table is materialized for it), else its parent's rows through its own function.
   */
  valueGetterSupplier(): KTableValueGetterSupplier<K, V> {
    if (this.getterSupplier !== undefined) return this.getterSupplier();
    if (this.spec.storeName !== undefined) return storeValueGetterSupplier<K, V>(this.spec.storeName);
    throw new TypeError(
      `table "${this.nodeName}" cannot be joined or looked up: it has no store; materialize it first (e.g. .mapValues((v) => v, Materialized.as('name')))`,
    );
  }

  /** The store holding this table when it is queryable (named with Materialized.as), else undefined. */
  get queryableStoreName(): string | undefined {
    return this.spec.storeName;
  }

  /** A derived table: old values are computed from the parent's when someone downstream needs them. */
  private derivedTable<V2>(
    name: string,
    valueSerde: SerdeLike<V2> | undefined,
    spec: TableSpec,
    compute: (key: K, value: V) => V2 | null,
  ): KTable<K, V2> {
    const parentEnable = this.enableSendingOldValues;
    return new KTable<K, V2>(
      this.builder,
      name,
      this.keySerde,
      valueSerde,
      spec,
      (force) => {
        if (spec.storeName !== undefined) {
          spec.sendOldValues = true;
          return true;
        }
        if (parentEnable(force)) spec.sendOldValues = true;
        return spec.sendOldValues;
      },
      () =>
        spec.storeName !== undefined
          ? storeValueGetterSupplier<K, V2>(spec.storeName)
          : mappedValueGetterSupplier(this.valueGetterSupplier(), compute),
    );
  }

  private addFilter(
    predicate: (key: K, value: V) => boolean,
    negate: boolean,
    named: Named | undefined,
    materialized: Materialized<K, V> | undefined,
  ): KTable<K, V> {
    const builder = this.builder;
    const store =
      materialized === undefined
        ? undefined
        : builder.storeSpec(materialized, 'KTABLE-FILTER-', this.keySerde, this.valueSerde);
    const name = builder.name(named?.name, 'KTABLE-FILTER-');
    const spec: TableSpec = { sendOldValues: false, storeName: store?.queryable ? store.name : undefined };
    builder.addProcessor(name, () => new TableFilterProcessor(spec, predicate, negate), this.nodeName);
    if (store?.queryable) builder.addStore(store, name);
    return this.derivedTable(name, store?.valueSerde ?? this.valueSerde, spec, (key, value) =>
      predicate(key, value) !== negate ? value : null,
    );
  }

  /** Keeps the rows for which `predicate` holds; other rows become deletions downstream. */
  filter(predicate: (key: K, value: V) => boolean, materialized?: Materialized<K, V>, named?: Named): KTable<K, V> {
    return this.addFilter(predicate, false, named, materialized);
  }

  filterNot(predicate: (key: K, value: V) => boolean, materialized?: Materialized<K, V>, named?: Named): KTable<K, V> {
    return this.addFilter(predicate, true, named, materialized);
  }

  /** Maps each row's value. */
  mapValues<VR>(
    mapper: (value: V, key: K) => VR,
    materialized?: NoInfer<Materialized<K, VR>>,
    named?: Named,
  ): KTable<K, VR> {
    const builder = this.builder;
    const store =
      materialized === undefined
        ? undefined
        : builder.storeSpec(materialized, 'KTABLE-MAPVALUES-', this.keySerde, undefined);
    const name = builder.name(named?.name, 'KTABLE-MAPVALUES-');
    const spec: TableSpec = { sendOldValues: false, storeName: store?.queryable ? store.name : undefined };
    builder.addProcessor(name, () => new TableMapValuesProcessor(spec, mapper), this.nodeName);
    if (store?.queryable) builder.addStore(store, name);
    return this.derivedTable<VR>(name, store?.valueSerde, spec, (key, value) => mapper(value, key));
  }

  /**
   * Holds updates back (Java's `suppress`): `Suppressed.untilWindowCloses(...)` emits one final result per
   * window of a windowed table; `Suppressed.untilTimeLimit(ms, ...)` emits each key's latest update after `ms`
   * of stream time. The buffer is logged to a changelog and restored on restart.
   */
  suppress(suppressed: Suppressed<K>): KTable<K, V> {
    return suppressTable(this, suppressed);
  }

  /** The stream of this table's updates (a deletion arrives as a null value). */
  // The key mapper's overload comes first: a function also fits `Named` (it has a `name`), which would leave the
  // mapper's parameters untyped.
  toStream<KR>(keyMapper: (key: K, value: V | null) => KR, named?: Named): KStream<KR, V>;
  toStream(named?: Named): KStream<K, V>;
  toStream<KR>(keyMapperOrNamed?: ((key: K, value: V | null) => KR) | Named, named?: Named): KStream<any, V> {
    const keyMapper =
      typeof keyMapperOrNamed === 'function' ? (keyMapperOrNamed as (key: K, value: V | null) => KR) : undefined;
    const givenName = typeof keyMapperOrNamed === 'object' ? keyMapperOrNamed.name : named?.name;
    const name = this.builder.name(givenName, 'KTABLE-TOSTREAM-');
    this.builder.addProcessor(name, () => new ToStreamProcessor(undefined), this.nodeName);
    const stream = new KStream<K, V>(this.builder, name, this.keySerde, this.valueSerde, false);
    // Java's toStream(mapper) is toStream().selectKey(mapper): a KSTREAM-KEY-SELECT node of its own.
    return keyMapper === undefined ? stream : stream.selectKey(keyMapper as (key: K, value: V) => KR);
  }

  /**
   * Re-groups the table by a new key (through a repartition topic) for `count`, `reduce` or `aggregate` with
   * an adder and a subtractor: when a row changes, its old value is subtracted from its old group and its new
   * value added to its new group.
   */
  groupBy<KR, VR>(
    selector: (key: K, value: V) => KeyValuePair<KR, VR>,
    grouped?: NoInfer<Grouped<KR, VR>>,
  ): KGroupedTable<KR, VR> {
    const name = this.builder.name(grouped?.name, 'KTABLE-SELECT-');
    this.enableSendingOldValues(true);
    this.builder.addProcessor(name, () => new TableRepartitionMapProcessor(selector), this.nodeName);
    return new KGroupedTable<KR, VR>(this.builder, name, grouped?.keySerde, grouped?.valueSerde, grouped?.name);
  }
  /**
   * Joins with another table on the key (Java's `KTable#join`): a row exists where both tables have one, with
   * the value `joiner(value, otherValue, key)`. Updates of either side update the result.
   */
  join<KO, VO, VR>(
    other: KTable<KO, VO>,
    foreignKeyExtractor: (value: V, key: K) => KO,
    joiner: ValueJoiner<V, VO, VR, K>,
    tableJoined?: TableJoined<K, KO>,
    materialized?: NoInfer<Materialized<K, VR>>,
  ): KTable<K, VR>;
  join<VO, VR>(
    other: KTable<K, VO>,
    joiner: ValueJoiner<V, VO, VR, K>,
    namedOrMaterialized?: Named | Materialized<K, VR>,
    materialized?: NoInfer<Materialized<K, VR>>,
  ): KTable<K, VR>;
  join(other: KTable<any, any>, a: any, b?: any, c?: any, d?: any): KTable<K, unknown> {
    if (typeof b === 'function') return this.foreignKeyJoin(other, a, b, c, d, false);
    return this.tableJoin(other, a, 'inner', b, c);
  }

  /** Like `join`, but every row of this table is kept; `otherValue` is null where the other table has none. */
  leftJoin<KO, VO, VR>(
    other: KTable<KO, VO>,
    foreignKeyExtractor: (value: V, key: K) => KO,
    joiner: ValueJoiner<V, VO | null, VR, K>,
    tableJoined?: TableJoined<K, KO>,
    materialized?: NoInfer<Materialized<K, VR>>,
  ): KTable<K, VR>;
  leftJoin<VO, VR>(
    other: KTable<K, VO>,
    joiner: ValueJoiner<V, VO | null, VR, K>,
    namedOrMaterialized?: Named | Materialized<K, VR>,
    materialized?: NoInfer<Materialized<K, VR>>,
  ): KTable<K, VR>;
  leftJoin(other: KTable<any, any>, a: any, b?: any, c?: any, d?: any): KTable<K, unknown> {
    if (typeof b === 'function') return this.foreignKeyJoin(other, a, b, c, d, true);
    return this.tableJoin(other, a, 'left', b, c);
  }

  /**
   * The foreign-key join (Java's KIP-213 `join(other, foreignKeyExtractor, joiner)`): each row joins the row
   * of `other` whose key `foreignKeyExtractor(value, key)` names, through a subscription and a response topic.
   */
  private foreignKeyJoin<KO, VO, VR>(
    other: KTable<KO, VO>,
    foreignKeyExtractor: (value: V, key: K) => KO,
    joiner: ValueJoiner<V, VO | null, VR, K>,
    tableJoined: TableJoined<K, KO> | undefined,
    materialized: Materialized<K, VR> | undefined,
    leftJoin: boolean,
  ): KTable<K, VR> {
    if (!(other instanceof KTable)) throw new TypeError('a foreign-key join needs a KTable');
    if (other.builder !== this.builder) throw new TypeError('a join needs both sides from the same StreamsBuilder');
    let result: KTable<K, VR> | undefined;
    foreignKeyJoin(
      this,
      other,
      foreignKeyExtractor,
      joiner,
      tableJoined,
      materialized,
      leftJoin,
      (resolver, name, store) => {
        result = sourceTable(this.builder, name, resolver, store);
      },
    );
    return result!;
  }

  /** Like `join`, but every row of either table is kept; the missing side is null. */
  outerJoin<VO, VR>(
    other: KTable<K, VO>,
    joiner: ValueJoiner<V | null, VO | null, VR, K>,
    namedOrMaterialized?: Named | Materialized<K, VR>,
    materialized?: NoInfer<Materialized<K, VR>>,
  ): KTable<K, VR> {
    return this.tableJoin(other, joiner, 'outer', namedOrMaterialized, materialized);
  }

  private tableJoin<VO, VR>(
    other: KTable<K, VO>,
    joiner: ValueJoiner<any, any, VR, K>,
    kind: 'inner' | 'left' | 'outer',
    namedOrMaterialized: Named | Materialized<K, VR> | undefined,
    materialized: Materialized<K, VR> | undefined,
  ): KTable<K, VR> {
    if (!(other instanceof KTable))
      throw new TypeError(`${kind === 'inner' ? 'join' : `${kind}Join`}() needs a KTable`);
    if (typeof joiner !== 'function') throw new TypeError('a table join needs a joiner function');
    // Java overloads by type: a lone option with a `name` is a Named, any other is a Materialized.
    let named: Named | undefined;
    let store = materialized;
    if (namedOrMaterialized !== undefined) {
      if (materialized !== undefined || (namedOrMaterialized as Named).name !== undefined)
        named = namedOrMaterialized as Named;
      else store = namedOrMaterialized as Materialized<K, VR>;
    }
    const result = tableTableJoin<K, V, VO, VR>(this, other, joiner, kind, named, store);
    return new KTable<K, VR>(
      this.builder,
      result.nodeName,
      result.keySerde,
      result.valueSerde,
      result.spec,
      result.enableSendingOldValues,
      result.valueGetterSupplier,
    );
  }
}
