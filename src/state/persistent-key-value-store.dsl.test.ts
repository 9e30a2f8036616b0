import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Materialized } from '../dsl/materialized.ts';
import { Produced } from '../dsl/produced.ts';
import { StreamsBuilder } from '../dsl/streams-builder.ts';
import { Serdes } from '../serdes/serdes.ts';
import { TopologyTestDriver } from '../test-driver/topology-test-driver.ts';
import { InMemoryKeyValueStore } from './in-memory-key-value-store.ts';
import { PersistentKeyValueStore } from './persistent-key-value-store.ts';
import { Stores } from './stores.ts';

function countTopology(materialized?: Materialized<string, number>) {
  const builder = new StreamsBuilder();
  builder
    .stream('words')
    .groupByKey()
    .count(materialized)
    .toStream()
    .to('counts', Produced.with(Serdes.String(), Serdes.Long()));
  return builder.build();
}

test('count materialized as a persistent store counts like the in-memory one and keeps its state in LMDB', () => {
  const driver = new TopologyTestDriver(countTopology(Materialized.as(Stores.persistentKeyValueStore('word-counts'))), {
    'application.id': 'persistent-dsl',
  });
  try {
    const input = driver.createInputTopic('words');
    const output = driver.createOutputTopic('counts', Serdes.String(), Serdes.Long());
    for (const word of ['a', 'b', 'a', 'c', 'a', 'b']) input.pipeInput(word, word);
    assert.deepEqual(
      output.readKeyValuesToList().map((kv) => `${kv.key}=${kv.value}`),
      ['a=1', 'b=1', 'a=2', 'c=1', 'a=3', 'b=2'],
    );
    const [store] = driver.getStateStores('word-counts');
    assert.ok(store instanceof PersistentKeyValueStore);
    assert.equal(store.persistent, true);
    const view = driver.getKeyValueStore<string, number>('word-counts');
    assert.deepEqual(view.all(), [
      { key: 'a', value: 3 },
      { key: 'b', value: 2 },
      { key: 'c', value: 1 },
    ]);
  } finally {
    driver.close();
  }
});

test('default.dsl.store decides the type of DSL stores the user did not choose (in_memory unless "rocksDB")', () => {
  const storeOf = (config: Record<string, unknown>, materialized?: Materialized<string, number>) => {
    const driver = new TopologyTestDriver(countTopology(materialized), { 'application.id': 'dsl-store', ...config });
    try {
      driver.createInputTopic('words').pipeInput('a', 'a');
      return driver.getStateStores(materialized?.storeName ?? 'KSTREAM-AGGREGATE-STATE-STORE-0000000001')[0];
    } finally {
      driver.close();
    }
  };
  assert.ok(storeOf({}) instanceof InMemoryKeyValueStore);
  assert.ok(storeOf({ 'default.dsl.store': 'in_memory' }) instanceof InMemoryKeyValueStore);
  assert.ok(storeOf({ 'default.dsl.store': 'rocksDB' }) instanceof PersistentKeyValueStore);
  assert.ok(storeOf({ 'default.dsl.store': 'rocksDB' }, Materialized.as('named')) instanceof PersistentKeyValueStore);
  // An explicit supplier wins over the default.
  assert.ok(
    storeOf({ 'default.dsl.store': 'rocksDB' }, Materialized.as(Stores.inMemoryKeyValueStore('mem'))) instanceof
      InMemoryKeyValueStore,
  );
  assert.throws(
    () => storeOf({ 'default.dsl.store': 'rocks' }),
    /default\.dsl\.store must be "in_memory" or "rocksDB"/,
  );
});

test('Stores.keyValueStoreBuilder over a persistent supplier builds a persistent store (logging settings kept)', () => {
  const builder = Stores.keyValueStoreBuilder(
    Stores.persistentTimestampedKeyValueStore('kv'),
    Serdes.String(),
    Serdes.Long(),
  ).withLoggingDisabled();
  assert.equal(builder.loggingEnabled, false);
  assert.ok(builder.build() instanceof PersistentKeyValueStore);
  assert.ok(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('m')).build() instanceof InMemoryKeyValueStore);
});
