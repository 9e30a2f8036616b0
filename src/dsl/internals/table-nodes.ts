/**
 * The two ways the DSL makes a KTable over its own processor node: an aggregation, whose store always exists,
 * and a table source (`StreamsBuilder#table`, `KStream#toTable`), whose store exists only when it is queried
 * or when someone downstream needs old values.
 */
import type { Processor } from '../../processor/processor.ts';
import { KTable } from '../ktable.ts';
import type { InternalStreamsBuilder, StoreSpec } from './internal-streams-builder.ts';
import { storeValueGetterSupplier } from './ktable-value-getter.ts';
import { TableSourceProcessor, type TableSpec } from './table-processors.ts';

/** A table at `nodeName` over a store that is always materialized: old values can be sent at any time. */
export function materializedTable<K, V>(
  builder: InternalStreamsBuilder,
  nodeName: string,
  store: StoreSpec<K, V>,
  spec: TableSpec,
): KTable<K, V> {
  return new KTable<K, V>(builder, nodeName, store.keySerde, store.valueSerde, spec, () => {
    spec.sendOldValues = true;
    return true;
  });
}

/** Adds the aggregation processor `name` reading from `source`, with its store, and the table it makes. */
export function aggregationTable<K, V>(
  builder: InternalStreamsBuilder,
  name: string,
  source: string,
  store: StoreSpec<K, V>,
  makeProcessor: (spec: TableSpec) => Processor<K, any, unknown, unknown>,
): KTable<K, V> {
  const spec: TableSpec = { sendOldValues: false, storeName: store.name };
  builder.addProcessor(name, () => makeProcessor(spec), source);
  builder.addStore(store, name);
  return materializedTable(builder, name, store, spec);
}

/**
 * Adds a table source `name` reading from `parent`. Its store is added now when queryable, else only when an
 * operator downstream forces old values (e.g. `groupBy`), as Kafka Streams materializes a source table lazily.
 */
export function sourceTable<K, V>(
  builder: InternalStreamsBuilder,
  name: string,
  parent: string,
  store: StoreSpec<K, V>,
): KTable<K, V> {
  const spec: TableSpec = { sendOldValues: false, storeName: store.queryable ? store.name : undefined };
  builder.addProcessor(name, () => new TableSourceProcessor(spec), parent);
  if (store.queryable) builder.addStore(store, name);
  const materialize = () => {
    if (spec.storeName !== undefined) return;
    spec.storeName = store.name;
    builder.addStore(store, name);
  };
  return new KTable<K, V>(
    builder,
    name,
    store.keySerde,
    store.valueSerde,
    spec,
    (force) => {
      if (spec.storeName === undefined && !force) return false;
      materialize();
      spec.sendOldValues = true;
      return true;
    },
    () => {
      // A join reads the source table's rows from its store: materialize it (without turning on old values).
      materialize();
      return storeValueGetterSupplier<K, V>(store.name);
    },
  );
}
