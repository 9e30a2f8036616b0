import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StreamsBuilder } from '../dsl/streams-builder.ts';
import { partitionForKey } from '../kafka/partitioner.ts';
import { Serdes } from '../serdes/serdes.ts';
import { TopologyTestDriver } from './topology-test-driver.ts';

test('records land on the partition murmur2 of the key picks, as Kafka producers place them', () => {
  const builder = new StreamsBuilder();
  builder.stream('in').to('out');
  const driver = new TopologyTestDriver(builder.build(), {}, { partitions: { in: 5, out: 7 } });
  const input = driver.createInputTopic('in');
  const keys = ['a', 'b', 'user-42', 'ünïcode'];
  for (const key of keys) input.pipeInput(key, 'v');
  assert.deepEqual(
    driver.written('in').map((r) => r.partition),
    keys.map((k) => partitionForKey(Buffer.from(k), 5)),
  );
  assert.deepEqual(
    driver
      .createOutputTopic('out')
      .readRecordsToList()
      .map((r) => [r.key, r.partition]),
    keys.map((k) => [k, partitionForKey(Buffer.from(k), 7)]),
  );
});

test('null keys are spread round-robin; an explicit partition is kept', () => {
  const builder = new StreamsBuilder();
  builder.stream('in').to('out');
  const driver = new TopologyTestDriver(builder.build(), {}, { partitions: { in: 3 } });
  const input = driver.createInputTopic('in');
  input.pipeValue('x');
  input.pipeValue('y');
  input.pipeValue('z');
  input.pipeRecord({ key: 'k', value: 'w', partition: 2 });
  assert.deepEqual(
    driver.written('in').map((r) => r.partition),
    [0, 1, 2, 2],
  );
});

test('a pattern source reads every matching topic', () => {
  const builder = new StreamsBuilder();
  builder
    .stream(/^metrics-.*/)
    .mapValues((v) => v.toUpperCase())
    .to('all-metrics');
  const driver = new TopologyTestDriver(builder.build());
  const cpu = driver.createInputTopic('metrics-cpu');
  const disk = driver.createInputTopic('metrics-disk');
  cpu.pipeInput('h1', 'high', 1);
  disk.pipeInput('h1', 'full', 2);
  assert.deepEqual(driver.createOutputTopic('all-metrics').readValuesToList(), ['HIGH', 'FULL']);
});

test('a repartition topic gets as many partitions as the largest input feeding it', () => {
  const builder = new StreamsBuilder();
  builder
    .stream('in')
    .groupBy((_k, v) => v)
    .count({ storeName: 'c' });
  const driver = new TopologyTestDriver(builder.build(), { 'application.id': 'sizes' }, { partitions: { in: 6 } });
  assert.equal(driver.partitionsOf('sizes-c-repartition'), 6);
  assert.equal(driver.partitionsOf('sizes-c-changelog'), 6);
  assert.equal(driver.getStateStores('c').length, 6, 'one store per task');
});

test('input time advances automatically when asked; reading past the end names the topic', () => {
  const builder = new StreamsBuilder();
  builder.stream('in').to('out');
  const driver = new TopologyTestDriver(builder.build());
  const input = driver.createInputTopic('in', Serdes.String(), Serdes.String(), {
    startTimestamp: 1_000,
    autoAdvanceMs: 10,
  });
  input.pipeKeyValueList([
    ['a', '1'],
    ['b', '2'],
  ]);
  input.advanceTime(100);
  input.pipeInput('c', '3');
  const output = driver.createOutputTopic('out');
  assert.deepEqual(
    output.readRecordsToList().map((r) => r.timestamp),
    [1_000, 1_010, 1_120],
  );
  assert.throws(() => output.readRecord(), /no more records in output topic "out"/);
});

test('getStateStores names the stores that exist when asked for a missing one', () => {
  const builder = new StreamsBuilder();
  builder.stream('in').groupByKey().count({ storeName: 'present' });
  const driver = new TopologyTestDriver(builder.build());
  assert.throws(() => driver.getKeyValueStore('absent'), /no store named "absent" \(stores: present\)/);
});
