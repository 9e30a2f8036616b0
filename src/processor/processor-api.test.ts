import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Serdes } from '../serdes/serdes.ts';
import type { KeyValueStore } from '../state/key-value-store.ts';
import { Stores } from '../state/stores.ts';
import { TopologyTestDriver } from '../test-driver/topology-test-driver.ts';
import { Topology } from '../topology/topology.ts';
import type { Processor } from './processor.ts';
import { type ProcessorContext, PunctuationType } from './processor-context.ts';
import { Record } from './record.ts';

/** Counts per key in a store; every 10 s of stream time emits all counts; every minute of wall clock a heartbeat. */
class CountingProcessor implements Processor<string, string, string, number> {
  private context!: ProcessorContext<string, number>;
  private store!: KeyValueStore<string, number>;
  init(context: ProcessorContext<string, number>): void {
    this.context = context;
    this.store = context.getStateStore<KeyValueStore<string, number>>('counts');
    context.schedule(10_000, PunctuationType.STREAM_TIME, (timestamp) => {
      for (const { key, value } of this.store.all()) this.context.forward(new Record(key, value, timestamp), 'emit');
    });
    context.schedule(60_000, PunctuationType.WALL_CLOCK_TIME, (timestamp) => {
      this.context.forward(new Record('heartbeat', this.store.approximateNumEntries(), timestamp), 'emit');
    });
  }
  process(record: Record<string, string>): void {
    this.store.put(record.key, (this.store.get(record.key) ?? 0) + 1);
  }
}

function countingTopology(): Topology {
  return new Topology()
    .addSource('source', 'events', { keySerde: Serdes.String(), valueSerde: Serdes.String() })
    .addProcessor('count', () => new CountingProcessor(), 'source')
    .addStateStore(
      Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('counts'), Serdes.String(), Serdes.Long()),
      'count',
    )
    .addSink('emit', 'counts-out', { keySerde: Serdes.String(), valueSerde: Serdes.Long() }, 'count');
}

test('a Processor API topology keeps state in a store and punctuates by stream time', () => {
  const driver = new TopologyTestDriver(countingTopology(), { 'application.id': 'papi' }, { initialWallClockTime: 0 });
  const input = driver.createInputTopic('events');
  const output = driver.createOutputTopic('counts-out', Serdes.String(), Serdes.Long());
  input.pipeInput('a', 'x', 1_000); // stream time 1000: the first punctuation (aligned to 0) fires
  assert.deepEqual(
    output.readRecordsToList().map((r) => [r.key, r.value, r.timestamp]),
    [['a', 1, 1_000]],
  );
  input.pipeInput('a', 'x', 5_000);
  input.pipeInput('b', 'x', 9_999);
  assert.ok(output.isEmpty(), 'no punctuation before stream time reaches 10000');
  input.pipeInput('b', 'x', 10_000);
  assert.deepEqual(output.readKeyValuesToList(), [
    { key: 'a', value: 2 },
    { key: 'b', value: 2 },
  ]);
  input.pipeInput('c', 'x', 35_000); // one punctuation for the gap, not three
  assert.deepEqual(
    output.readRecordsToList().map((r) => [r.key, r.timestamp]),
    [
      ['a', 35_000],
      ['b', 35_000],
      ['c', 35_000],
    ],
  );
  assert.equal(driver.getKeyValueStore<string, number>('counts').get('a'), 2);
  // The store is logged: its changelog holds the latest count per key.
  const changelog = driver.written('papi-counts-changelog');
  assert.ok(changelog.some((r) => r.key?.toString() === 'c' && r.value?.readBigInt64BE() === 1n));
  driver.close();
});

test('wall-clock punctuation fires when the driver clock advances', () => {
  const driver = new TopologyTestDriver(countingTopology(), { 'application.id': 'papi' }, { initialWallClockTime: 0 });
  const output = driver.createOutputTopic('counts-out', Serdes.String(), Serdes.Long());
  driver.createInputTopic('events').pipeInput('a', 'x', 0);
  output.readRecordsToList();
  driver.advanceWallClockTime(59_999);
  assert.ok(output.isEmpty());
  driver.advanceWallClockTime(1);
  assert.deepEqual(
    output.readRecordsToList().map((r) => [r.key, r.value, r.timestamp]),
    [['heartbeat', 1, 60_000]],
  );
  driver.close();
});

test('a processor reaching a store it is not connected to gets an error naming the store', () => {
  const topology = new Topology()
    .addSource('source', 'in')
    .addProcessor(
      'sneaky',
      () => ({
        init(context: ProcessorContext) {
          context.getStateStore('other');
        },
        process() {},
      }),
      'source',
    )
    .addProcessor('owner', () => ({ process() {} }), 'source')
    .addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('other')), 'owner');
  const driver = new TopologyTestDriver(topology, { 'application.id': 'papi' });
  assert.throws(() => driver.createInputTopic('in').pipeInput('k', 'v'), /"sneaky".*store "other".*not connected/);
});

test('a topology refuses duplicate names, unknown parents and unknown stores', () => {
  const topology = new Topology().addSource('source', 'in');
  assert.throws(() => topology.addSource('source', 'in2'), /"source" was already added/);
  assert.throws(() => topology.addProcessor('p', () => ({ process() {} }), 'nope'), /parent "nope" of node "p"/);
  assert.throws(() => topology.addSource('again', 'in'), /topic "in" is read by source "source"/);
  topology.addProcessor('p', () => ({ process() {} }), 'source');
  assert.throws(
    () => topology.connectProcessorAndStateStores('p', 'missing'),
    /store "missing" is not in the topology/,
  );
});
