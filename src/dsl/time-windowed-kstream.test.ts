import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Serdes } from '../serdes/serdes.ts';
import { timeWindowedSerdeFrom } from '../serdes/time-windowed-serde.ts';
import { Stores } from '../state/stores.ts';
import { TopologyTestDriver } from '../test-driver/topology-test-driver.ts';
import { EmitStrategy } from './emit-strategy.ts';
import { Materialized } from './materialized.ts';
import { SlidingWindows } from './sliding-windows.ts';
import { StreamsBuilder } from './streams-builder.ts';
import { TimeWindows } from './time-windows.ts';
import { Windowed } from './windowed.ts';

const windowedString = (size: number) => timeWindowedSerdeFrom(Serdes.String(), size);

function run(
  define: (b: StreamsBuilder) => void,
  windowSize: number,
  input: readonly [string, string | null, number][],
  config: Record<string, unknown> = {},
): string[] {
  const builder = new StreamsBuilder();
  define(builder);
  const driver = new TopologyTestDriver(builder.build(), { 'application.id': 'tw', ...config });
  const topic = driver.createInputTopic('in');
  for (const [key, value, ts] of input) topic.pipeInput(key, value as string, ts);
  const out = driver.createOutputTopic('out', windowedString(windowSize), Serdes.Long());
  const rendered = out.readRecordsToList().map((r) => `${Windowed.toString(r.key)}=${r.value}@${r.timestamp}`);
  driver.close();
  return rendered;
}

test('TimeWindows: windowsFor gives the epoch-aligned windows a timestamp falls in; bad sizes are refused', () => {
  const hopping = TimeWindows.ofSizeWithNoGrace(10).advanceBy(4);
  assert.deepEqual([...hopping.windowsFor(21).keys()], [12, 16, 20]);
  assert.deepEqual([...TimeWindows.ofSizeWithNoGrace(10).windowsFor(3).keys()], [0]);
  assert.throws(() => TimeWindows.ofSizeWithNoGrace(0), /Window size \(sizeMs\) must be larger than zero/);
  assert.throws(() => TimeWindows.ofSizeWithNoGrace(10).advanceBy(11), /advancement interval/);
  assert.throws(() => TimeWindows.ofSizeAndGrace(10, -1), /Grace period must not be negative/);
  assert.throws(() => SlidingWindows.ofTimeDifferenceWithNoGrace(-1), /time difference must not be negative/);
  assert.throws(() => TimeWindows.ofSizeWithNoGrace(1.5), /size must be an integer number of milliseconds/);
});

test('a tumbling count counts per key and window, emits every update, and drops records after end + grace', () => {
  const out = run(
    (b) => {
      b.stream('in')
        .groupByKey()
        .windowedBy(TimeWindows.ofSizeAndGrace(10, 5))
        .count()
        .toStream()
        .to('out', { keySerde: windowedString(10), valueSerde: Serdes.Long() });
    },
    10,
    [
      ['a', '1', 1],
      ['a', '2', 9],
      ['b', '3', 12],
      ['a', '4', 14], // stream time 14: window [0,10) closes at 10 + 5 = 15
      ['a', '5', 8], // still in grace
      ['a', '6', 15], // stream time 15: window [0,10) is now closed
      ['a', '7', 3], // late: dropped
      [null as unknown as string, 'x', 16], // null key: dropped
    ],
  );
  assert.deepEqual(out, [
    '[a@0/10]=1@1',
    '[a@0/10]=2@9',
    '[b@10/20]=1@12',
    '[a@10/20]=1@14',
    '[a@0/10]=3@9',
    '[a@10/20]=2@15',
  ]);
});

test('a hopping count updates every window a record falls in, oldest first', () => {
  const out = run(
    (b) => {
      b.stream('in')
        .groupByKey()
        .windowedBy(TimeWindows.ofSizeWithNoGrace(10).advanceBy(5))
        .count(Materialized.as('hops'))
        .toStream()
        .to('out', { keySerde: windowedString(10), valueSerde: Serdes.Long() });
    },
    10,
    [
      ['k', 'v', 7],
      ['k', 'v', 12],
    ],
  );
  assert.deepEqual(out, ['[k@0/10]=1@7', '[k@5/15]=1@7', '[k@5/15]=2@12', '[k@10/20]=1@12']);
});

test('a sliding count aggregates each distinct set of records no more than the time difference apart', () => {
  const out = run(
    (b) => {
      b.stream('in')
        .groupByKey()
        .windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(10))
        .count()
        .toStream()
        .to('out', { keySerde: windowedString(10), valueSerde: Serdes.Long() });
    },
    10,
    [
      ['k', 'v', 20],
      ['k', 'v', 25],
      ['k', 'v', 40],
    ],
  );
  // [10,20] holds 20; [15,25] holds 20 and 25; [21,31] holds 25 (right window of 20); [30,40] holds 40;
  // [26,36] would hold nothing, so it is not created.
  assert.deepEqual(out, ['[k@10/20]=1@20', '[k@21/31]=1@25', '[k@15/25]=2@25', '[k@30/40]=1@40']);
});

test('reduce and aggregate keep the latest timestamp; the store keeps windows for size + grace by default', () => {
  const builder = new StreamsBuilder();
  const grouped = builder.stream('in').groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(100));
  grouped
    .reduce((a, v) => `${a}+${v}`, Materialized.as('reduced'))
    .toStream()
    .to('reduced-out', { keySerde: windowedString(100), valueSerde: Serdes.String() });
  grouped
    .aggregate(
      () => 0,
      (_k, v, sum) => sum + Number(v),
      Materialized.as<string, number>('sums').withValueSerde(Serdes.Integer()),
    )
    .toStream()
    .mapValues((v) => String(v))
    .to('sum-out', { keySerde: windowedString(100), valueSerde: Serdes.String() });
  const driver = new TopologyTestDriver(builder.build(), { 'application.id': 'tw' });
  const input = driver.createInputTopic('in');
  input.pipeInput('k', '1', 50);
  input.pipeInput('k', '2', 30);
  input.pipeInput('k', '3', 150);
  const reduced = driver.createOutputTopic('reduced-out', windowedString(100), Serdes.String()).readRecordsToList();
  assert.deepEqual(
    reduced.map((r) => `${Windowed.toString(r.key)}=${r.value}@${r.timestamp}`),
    ['[k@0/100]=1@50', '[k@0/100]=1+2@50', '[k@100/200]=3@150'],
  );
  const sums = driver.createOutputTopic('sum-out', windowedString(100), Serdes.String()).readValuesToList();
  assert.deepEqual(sums, ['1', '3', '3']);
  const store = driver.getWindowStore<string, number>('sums');
  // Retention defaults to size + grace = 100: at stream time 150 the window [0,100) is gone.
  assert.equal(store.fetch('k', 0), undefined);
  assert.deepEqual(store.fetch('k', 0, 200), [{ key: 100, value: 3 }]);
  driver.close();
});

test('emitStrategy(onWindowClose) forwards each window once, with its final value, after it closes', () => {
  const out = run(
    (b) => {
      b.stream('in')
        .groupByKey()
        .windowedBy(TimeWindows.ofSizeAndGrace(10, 2))
        .emitStrategy(EmitStrategy.onWindowClose())
        .count()
        .toStream()
        .to('out', { keySerde: windowedString(10), valueSerde: Serdes.Long() });
    },
    10,
    [
      ['a', 'v', 1],
      ['b', 'v', 5],
      ['a', 'v', 9],
      ['a', 'v', 11], // close time 9: nothing closed
      ['a', 'v', 12], // close time 10: [0,10) closes
      ['b', 'v', 25], // close time 23: [10,20) closes
    ],
    { '__emit.interval.ms.kstreams.windowed.aggregation__': 0 },
  );
  assert.deepEqual(out, ['[a@0/10]=2@9', '[b@0/10]=1@5', '[a@10/20]=2@12']);
});

test('a windowed store too short for its windows is refused, naming the store', () => {
  const b = new StreamsBuilder();
  assert.throws(
    () =>
      b
        .stream('in')
        .groupByKey()
        .windowedBy(TimeWindows.ofSizeAndGrace(10, 5))
        .count({ storeName: 'short', retention: 12 }),
    /retention period of the window store short must be no smaller than its window size plus the grace period/,
  );
});

test('Materialized.withRetention keeps windows longer, and sets the changelog retention.ms', () => {
  const builder = new StreamsBuilder();
  builder
    .stream('in')
    .groupByKey()
    .windowedBy(TimeWindows.ofSizeWithNoGrace(100))
    .count(Materialized.as<string, number>('kept').withRetention(1000));
  const topology = builder.build();
  const driver = new TopologyTestDriver(topology, { 'application.id': 'tw' });
  const input = driver.createInputTopic('in');
  input.pipeInput('k', 'v', 50);
  input.pipeInput('k', 'v', 950);
  const store = driver.getWindowStore<string, number>('kept');
  assert.deepEqual(store.fetch('k', 0, 1000), [
    { key: 0, value: 1 },
    { key: 900, value: 1 },
  ]);
  input.pipeInput('k', 'v', 1000); // stream time 1000: window 0 is now older than the retention
  assert.equal(store.fetch('k', 0), undefined);
  driver.close();
  const builderOfKept = topology.stores.get('kept')!.builder as unknown as {
    changelogConfigs(config: object): Record<string, string>;
  };
  assert.equal(builderOfKept.changelogConfigs({})['retention.ms'], String(1000 + 86_400_000));
  assert.throws(() => Materialized.as('x').withRetention(-1), /non-negative integer/);
});

test('a windowed table sinks with the time-windowed serde over the default key serde when none is given', () => {
  const builder = new StreamsBuilder();
  builder
    .stream('in')
    .groupByKey()
    .windowedBy(TimeWindows.ofSizeWithNoGrace(1000))
    .reduce((a, v) => a + v)
    .toStream()
    .to('out');
  const driver = new TopologyTestDriver(builder.build(), { 'application.id': 'tw' });
  driver.createInputTopic('in').pipeInput('key', 'v', 123_456);
  const [record] = driver.createOutputTopic('out', Serdes.Bytes(), Serdes.String()).readRecordsToList();
  // [key bytes]["123000" as 8 bytes big-endian]: Java's TimeWindowedSerializer layout.
  assert.equal(
    Buffer.from(record!.key as Uint8Array).toString('hex'),
    `${Buffer.from('key').toString('hex')}000000000001e078`,
  );
  assert.equal(record!.value, 'v');
  driver.close();
});

test('getWindowStore reads a windowed store across partitions', () => {
  const builder = new StreamsBuilder();
  builder.stream('in').groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(10)).count(Materialized.as('spread'));
  const driver = new TopologyTestDriver(builder.build(), { 'application.id': 'tw' }, { partitions: { in: 4 } });
  const input = driver.createInputTopic('in');
  for (const key of ['a', 'b', 'c', 'd', 'e', 'f']) input.pipeInput(key, 'v', 5);
  input.pipeInput('a', 'v', 6);
  assert.equal(driver.getStateStores('spread').length, 4);
  const store = driver.getWindowStore<string, number>('spread');
  assert.equal(store.fetch('a', 0), 2);
  assert.equal(store.fetch('f', 0), 1);
  assert.deepEqual(store.fetch('a', 0, 100), [{ key: 0, value: 2 }]);
  assert.deepEqual(
    store
      .all()
      .map((e) => `${e.key.key}=${e.value}`)
      .sort(),
    ['a=2', 'b=1', 'c=1', 'd=1', 'e=1', 'f=1'],
  );
  driver.close();
});

test('Materialized.as(Stores.inMemoryWindowStore(...)) names the store and sets its retention', () => {
  const builder = new StreamsBuilder();
  builder
    .stream('in')
    .groupByKey()
    .windowedBy(TimeWindows.ofSizeWithNoGrace(1000).advanceBy(500))
    .count(Materialized.as(Stores.inMemoryWindowStore('hops', 3000, 1000, false)));
  const driver = new TopologyTestDriver(builder.build(), { 'application.id': 'tw' });
  const input = driver.createInputTopic('in');
  input.pipeInput('k', 'v', 100);
  input.pipeInput('k', 'v', 2100);
  const store = driver.getWindowStore<string, number>('hops');
  assert.equal(store.fetch('k', 0), 1, 'kept past size + grace');
  input.pipeInput('k', 'v', 3400);
  // Retention 3000 (not the default size + grace = 1000): dropped only once a window starts at 3000.
  assert.deepEqual(store.fetch('k', 0, 5000), [
    { key: 1500, value: 1 },
    { key: 2000, value: 1 },
    { key: 2500, value: 1 },
    { key: 3000, value: 1 },
  ]);
  driver.close();
  assert.throws(
    () =>
      new StreamsBuilder()
        .stream('in')
        .groupByKey()
        .windowedBy(TimeWindows.ofSizeWithNoGrace(10))
        .count(Materialized.as(Stores.inMemoryWindowStore('dups', 100, 10, true))),
    /window store "dups" retains duplicates/,
  );
});
