/**
 * KTable#suppress on Tributary's TopologyTestDriver: what is emitted when (by stream time, never the wall
 * clock), buffer bounds, and the buffer's changelog. Equality with Kafka Streams' outputs is proven in
 * session-windows.java.test.ts; restarts on a broker in suppress.broker.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OutgoingRecord } from '../processor/internals/task-contract.ts';
import { Serdes } from '../serdes/serdes.ts';
import { InMemoryTimeOrderedKeyValueBuffer } from '../state/internals/in-memory-time-ordered-key-value-buffer.ts';
import { TopologyTestDriver } from '../test-driver/topology-test-driver.ts';
import { TopologyException } from '../topology/topology.ts';
import { Change } from './internals/change.ts';
import { StreamsBuilder } from './streams-builder.ts';
import { BufferConfig, type EagerBufferConfig, Suppressed } from './suppressed.ts';
import { TimeWindows } from './time-windows.ts';
import { Windowed } from './windowed.ts';

function tableDriver(suppressed: Suppressed<string>) {
  const b = new StreamsBuilder();
  b.table('t').suppress(suppressed).toStream().to('out');
  const driver = new TopologyTestDriver(b.build(), { 'application.id': 'sup' });
  const input = driver.createInputTopic('t', Serdes.String(), Serdes.String());
  const output = driver.createOutputTopic('out', Serdes.String(), Serdes.String());
  const read = () => output.readRecordsToList().map((r) => `${r.key}=${r.value}@${r.timestamp}`);
  return { driver, input, read };
}

test('untilTimeLimit emits the latest value of a key once stream time is the limit past its first update', () => {
  const { driver, input, read } = tableDriver(Suppressed.untilTimeLimit(10, BufferConfig.unbounded()));
  input.pipeInput('x', '1', 0);
  input.pipeInput('x', '2', 4);
  input.pipeInput('y', '3', 9);
  assert.deepEqual(read(), []);
  driver.advanceWallClockTime(60_000); // the wall clock never releases anything
  assert.deepEqual(read(), []);
  input.pipeInput('z', '4', 10); // stream time 10: x (buffered at 0) is due, with its latest value and timestamp
  assert.deepEqual(read(), ['x=2@4']);
  input.pipeInput('x', '5', 19); // y (9) due; x buffered again at 19
  assert.deepEqual(read(), ['y=3@9']);
  input.pipeInput('w', '6', 40);
  assert.deepEqual(read(), ['z=4@10', 'x=5@19']);
  driver.close();
});

test('an eager buffer emits its oldest keys early when more keys than maxRecords are held', () => {
  const { driver, input, read } = tableDriver(
    Suppressed.untilTimeLimit(1000, BufferConfig.maxRecords(2).emitEarlyWhenFull()),
  );
  input.pipeInput('a', '1', 1);
  input.pipeInput('b', '2', 2);
  input.pipeInput('a', '3', 3); // still two keys
  assert.deepEqual(read(), []);
  input.pipeInput('c', '4', 4); // three keys: the oldest (a, buffered at 1) goes
  assert.deepEqual(read(), ['a=3@3']);
  driver.close();
});

test("an eager byte bound emits early by Java's size estimate; a strict bound stops with an error naming the processor", () => {
  const eager = tableDriver(Suppressed.untilTimeLimit(1000, BufferConfig.maxBytes(80).emitEarlyWhenFull()));
  // a: 8 (time) + 1 (key) + 10 (value) + 21 (timestamp, offset, partition, topic "t") = 40 bytes; b: 70.
  eager.input.pipeInput('a', 'x'.repeat(10), 1);
  assert.deepEqual(eager.read(), []);
  eager.input.pipeInput('b', 'y'.repeat(40), 2);
  assert.deepEqual(eager.read(), [`a=${'x'.repeat(10)}@1`]);
  eager.driver.close();

  const strict = tableDriver(Suppressed.untilTimeLimit(1000, BufferConfig.maxRecords(1).shutDownWhenFull()));
  strict.input.pipeInput('a', '1', 1);
  assert.throws(
    () => strict.input.pipeInput('b', '2', 2),
    /KTABLE-SUPPRESS-0000000003 buffer exceeded its max capacity. Currently \[2\/1\] records/,
  );
});

test('untilWindowCloses needs a windowed table upstream and a strict buffer', () => {
  const b = new StreamsBuilder();
  const table = b.table('t');
  assert.throws(
    () => table.suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()) as unknown as Suppressed<string>),
    (e: unknown) => e instanceof TopologyException && /only defined for windowed computations/.test(e.message),
  );
  assert.throws(
    () => Suppressed.untilWindowCloses(BufferConfig.maxRecords(5) as unknown as EagerBufferConfig as never),
    /strict buffer/,
  );
});

test('the buffer logs each change to its changelog on commit and a tombstone once emitted', () => {
  const b = new StreamsBuilder();
  b.stream('in')
    .groupByKey({ keySerde: Serdes.String(), valueSerde: Serdes.String() })
    .windowedBy(TimeWindows.ofSizeWithNoGrace(10))
    .count()
    .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()))
    .toStream((k: Windowed<string>) => Windowed.toString(k))
    .to('out', { keySerde: Serdes.String(), valueSerde: Serdes.Long() });
  const topology = b.build();
  const changelog = `sup-${topology
    .describe()
    .subtopologies[0]!.nodes.flatMap((n) => ('stores' in n ? n.stores : []))
    .find((s) => s.startsWith('KTABLE-SUPPRESS'))}-changelog`;
  const driver = new TopologyTestDriver(topology, { 'application.id': 'sup' });
  const input = driver.createInputTopic('in', Serdes.String(), Serdes.String());
  input.pipeInput('k', 'v', 1);
  input.pipeInput('k', 'v', 2);
  const logged = driver.written(changelog);
  assert.equal(logged.length, 2, 'one changelog record per commit of the changed key');
  assert.ok(logged.every((r) => r.value !== null));
  input.pipeInput('other', 'v', 10); // window [0,10) of k closes: emitted, and its entry tombstoned
  const output = driver.createOutputTopic('out', Serdes.String(), Serdes.Long());
  assert.deepEqual(
    output.readRecordsToList().map((r) => `${r.key}=${r.value}@${r.timestamp}`),
    ['[k@0/10]=2@2'],
  );
  const tombstones = driver.written(changelog).filter((r) => r.value === null);
  assert.equal(tombstones.length, 1);
  assert.deepEqual(tombstones[0]!.key, logged[0]!.key);
  driver.close();
});

test('a buffer restored from its changelog holds the same entries in the same order, with their record context', () => {
  const sent: OutgoingRecord[] = [];
  const open = () => {
    const buffer = new InMemoryTimeOrderedKeyValueBuffer<string, string>('buf', Serdes.String(), Serdes.String());
    buffer.init({
      taskId: '0_0',
      partition: 0,
      changelogTopic: 'app-buf-changelog',
      collector: { send: (r) => sent.push(r), partitionsFor: () => undefined },
      config: {},
      currentTimestamp: () => 0,
    });
    return buffer;
  };
  const context = (timestamp: number) => ({
    timestamp,
    headers: [{ key: 'h', value: Buffer.from([timestamp]) }],
    topic: 'in',
    partition: 0,
    offset: timestamp * 10,
  });
  const original = open();
  original.put(5, 'b', new Change('b1', null), context(5));
  original.put(3, 'a', new Change('a1', 'a0'), context(3));
  original.put(9, 'a', new Change('a2', 'a1'), context(9)); // keeps its place at time 3
  original.put(4, 'c', new Change('c1', null), context(4));
  original.evictWhile(
    () => original.minTimestamp() <= 3,
    () => {},
  );
  original.flush();
  original.put(7, 'd', new Change(null, 'd0'), context(7));
  original.flush();
  const restored = open();
  restored.restoreBatch(sent.map((r) => ({ key: r.key, value: r.value, timestamp: r.timestamp, headers: [] })));
  const drain = (buffer: InMemoryTimeOrderedKeyValueBuffer<string, string>) => {
    const out: string[] = [];
    buffer.evictWhile(
      () => buffer.numRecords() > 0,
      (e) =>
        out.push(
          `${e.key}:${e.value.newValue}/${e.value.oldValue}@${e.context.timestamp}/${e.context.offset}/${e.context.headers[0]!.value![0]}`,
        ),
    );
    return out;
  };
  assert.equal(restored.bufferSize(), original.bufferSize());
  const expected = drain(original);
  assert.deepEqual(expected, ['c:c1/null@4/40/4', 'b:b1/null@5/50/5', 'd:null/d0@7/70/7']);
  assert.deepEqual(drain(restored), expected);
});
