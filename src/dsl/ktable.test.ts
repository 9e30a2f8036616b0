import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Serdes } from '../serdes/serdes.ts';
import { TopologyTestDriver } from '../test-driver/topology-test-driver.ts';
import { Consumed } from './consumed.ts';
import { Grouped } from './grouped.ts';
import { Materialized } from './materialized.ts';
import { Produced } from './produced.ts';
import { StreamsBuilder } from './streams-builder.ts';

const LONGS = Produced.with(Serdes.String(), Serdes.Long());

test('counting a table grouped by a new key subtracts a row from its old group when it moves (adder/subtractor)', () => {
  const builder = new StreamsBuilder();
  builder
    .table('user-regions')
    .groupBy((user, region) => [region, user])
    .count(Materialized.as('users-per-region'))
    .toStream()
    .to('region-counts', LONGS);
  const driver = new TopologyTestDriver(
    builder.build(),
    { 'application.id': 'regions' },
    {
      partitions: { 'user-regions': 2 },
    },
  );
  const input = driver.createInputTopic('user-regions');
  const output = driver.createOutputTopic('region-counts', Serdes.String(), Serdes.Long());
  input.pipeInput('alice', 'eu');
  input.pipeInput('bob', 'eu');
  input.pipeInput('carol', 'us');
  input.pipeInput('alice', 'us'); // moves: eu 2 → 1, us 1 → 2
  input.pipeInput('bob', null as unknown as string); // deleted: eu 1 → 0
  assert.deepEqual(output.readKeyValuesToList(), [
    { key: 'eu', value: 1 },
    { key: 'eu', value: 2 },
    { key: 'us', value: 1 },
    { key: 'eu', value: 1 },
    { key: 'us', value: 2 },
    { key: 'eu', value: 0 },
  ]);
  const store = driver.getKeyValueStore<string, number>('users-per-region');
  assert.equal(store.get('us'), 2);
  assert.equal(store.get('eu'), 0);
});

test('a table row that keeps its group is subtracted and added in one step', () => {
  const builder = new StreamsBuilder();
  builder
    .table<string, number>('scores', { valueSerde: Serdes.Integer() })
    .groupBy((_player, score) => ['all', score], { keySerde: Serdes.String(), valueSerde: Serdes.Integer() })
    .reduce(
      (sum, score) => sum + score,
      (sum, score) => sum - score,
      Materialized.with(Serdes.String(), Serdes.Integer()),
    )
    .toStream()
    .to('total', Produced.with(Serdes.String(), Serdes.Integer()));
  const driver = new TopologyTestDriver(builder.build(), { 'application.id': 'scores' });
  const input = driver.createInputTopic('scores', Serdes.String(), Serdes.Integer());
  const output = driver.createOutputTopic('total', Serdes.String(), Serdes.Integer());
  input.pipeInput('p1', 10);
  input.pipeInput('p2', 5);
  input.pipeInput('p1', 12);
  assert.deepEqual(output.readValuesToList(), [10, 15, 17]);
});

test('KTable aggregate with adder and subtractor keeps a per-group list', () => {
  const builder = new StreamsBuilder();
  builder
    .table('user-regions')
    .groupBy((user, region) => [region, user])
    .aggregate<string[]>(
      () => [],
      (_region, user, users) => [...users, user].sort(),
      (_region, user, users) => users.filter((u) => u !== user),
      Materialized.with(Serdes.String(), Serdes.JSON<string[]>()),
    )
    .toStream()
    .to('members', Produced.with(Serdes.String(), Serdes.JSON<string[]>()));
  const driver = new TopologyTestDriver(builder.build(), { 'application.id': 'members' });
  const input = driver.createInputTopic('user-regions');
  input.pipeInput('ann', 'eu');
  input.pipeInput('ben', 'eu');
  input.pipeInput('ann', 'us');
  const table = driver.createOutputTopic('members', Serdes.String(), Serdes.JSON<string[]>()).readKeyValuesToMap();
  assert.deepEqual(
    table,
    new Map([
      ['eu', ['ben']],
      ['us', ['ann']],
    ]),
  );
});

test('KTable filter turns a row that stops matching into a deletion downstream', () => {
  const builder = new StreamsBuilder();
  builder
    .table<string, number>('stock', { valueSerde: Serdes.Integer() })
    .filter((_item, quantity) => quantity > 0)
    .mapValues((quantity) => `${quantity} left`)
    .toStream()
    .to('available');
  const driver = new TopologyTestDriver(builder.build(), { 'application.id': 'stock' });
  const input = driver.createInputTopic('stock', Serdes.String(), Serdes.Integer());
  input.pipeInput('apple', 3);
  input.pipeInput('apple', 0);
  input.pipeInput('pear', 1);
  assert.deepEqual(driver.createOutputTopic('available').readKeyValuesToList(), [
    { key: 'apple', value: '3 left' },
    { key: 'apple', value: null },
    { key: 'pear', value: '1 left' },
  ]);
});

test('stream aggregate, reduce and count keep per-key state', () => {
  const builder = new StreamsBuilder();
  const grouped = builder.stream<string, number>('amounts', { valueSerde: Serdes.Integer() }).groupByKey();
  grouped
    .reduce((a, b) => Math.max(a, b), Materialized.with(Serdes.String(), Serdes.Integer()))
    .toStream()
    .to('max', Produced.with(Serdes.String(), Serdes.Integer()));
  grouped
    .aggregate(
      () => ({ sum: 0, n: 0 }),
      (_k, v, agg) => ({ sum: agg.sum + v, n: agg.n + 1 }),
      Materialized.with(Serdes.String(), Serdes.JSON<{ sum: number; n: number }>()),
    )
    .toStream()
    .mapValues((agg) => agg.sum / agg.n)
    .to('mean', Produced.with(Serdes.String(), Serdes.Double()));
  const driver = new TopologyTestDriver(builder.build(), { 'application.id': 'stats' });
  const input = driver.createInputTopic('amounts', Serdes.String(), Serdes.Integer());
  input.pipeKeyValueList([
    ['a', 4],
    ['a', 10],
    ['b', 1],
    ['a', 1],
  ]);
  assert.deepEqual(
    driver.createOutputTopic('max', Serdes.String(), Serdes.Integer()).readValuesToList(),
    [4, 10, 1, 10],
  );
  assert.deepEqual(driver.createOutputTopic('mean', Serdes.String(), Serdes.Double()).readValuesToList(), [4, 7, 1, 5]);
});

test('cogroup aggregates several grouped streams into one table', () => {
  const builder = new StreamsBuilder();
  const clicks = builder.stream('clicks').groupByKey();
  const views = builder.stream('views').groupByKey();
  clicks
    .cogroup<{ clicks: number; views: number }>((_k, _v, agg) => ({ ...agg, clicks: agg.clicks + 1 }))
    .cogroup(views, (_k, _v, agg) => ({ ...agg, views: agg.views + 1 }))
    .aggregate(() => ({ clicks: 0, views: 0 }), Materialized.with(Serdes.String(), Serdes.JSON()))
    .toStream()
    .to('activity', Produced.with(Serdes.String(), Serdes.JSON()));
  const driver = new TopologyTestDriver(builder.build(), { 'application.id': 'activity' });
  driver.createInputTopic('clicks').pipeInput('u1', 'x');
  driver.createInputTopic('views').pipeInput('u1', 'y');
  driver.createInputTopic('views').pipeInput('u1', 'z');
  assert.deepEqual(driver.createOutputTopic('activity', Serdes.String(), Serdes.JSON()).readValuesToList(), [
    { clicks: 1, views: 0 },
    { clicks: 1, views: 1 },
    { clicks: 1, views: 2 },
  ]);
});

test('chained option objects work like plain ones (Materialized.as(...).withLoggingDisabled())', () => {
  const builder = new StreamsBuilder();
  builder
    .stream('in', Consumed.with(Serdes.String(), Serdes.String()).withName('the-source'))
    .groupBy((_k, v) => v, Grouped.with(Serdes.String(), Serdes.String()).withName('by-value'))
    .count(Materialized.as('by-value-counts').withValueSerde(Serdes.Long()).withLoggingDisabled())
    .toStream()
    .to('out', Produced.with(Serdes.String(), Serdes.Long()).withName('the-sink'));
  const topology = builder.build();
  const text = String(topology.describe());
  assert.match(text, /Source: the-source \(topics: \[in\]\)/);
  assert.match(text, /Sink: by-value-repartition-sink \(topic: by-value-repartition\)/);
  assert.match(text, /Sink: the-sink \(topic: out\)/);
  const driver = new TopologyTestDriver(topology, { 'application.id': 'chained' });
  const input = driver.createInputTopic('in');
  input.pipeInput('1', 'x');
  input.pipeInput('2', 'x');
  assert.deepEqual(driver.createOutputTopic('out', Serdes.String(), Serdes.Long()).readValuesToList(), [1, 2]);
  assert.ok(!driver.producedTopicNames().includes('chained-by-value-counts-changelog'), 'logging disabled');
  assert.ok(driver.producedTopicNames().includes('chained-by-value-repartition'));
});
