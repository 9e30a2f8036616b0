/**
 * Session windows and suppress match Kafka Streams 4.3.1 for the same programs: describe() prints the same
 * text, and Tributary's TopologyTestDriver emits the same records (key, value, timestamp, order) as Kafka
 * Streams' own TopologyTestDriver with record caching off (java/describe/src/SessionSuppressReference.java):
 * the session-windowed key serde's bytes, session merges with their deletions, late records dropped after gap + grace, reduce/aggregate merger
 * order, final results of suppress(untilWindowCloses), and untilTimeLimit with an eager buffer.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Serdes } from '../serdes/serdes.ts';
import { sessionWindowedSerdeFrom } from '../serdes/session-windowed-serde.ts';
import { TopologyTestDriver } from '../test-driver/topology-test-driver.ts';
import { compiledJavaReference, runJavaReference } from '../topology/java-reference.ts';
import type { Topology } from '../topology/topology.ts';
import { Grouped } from './grouped.ts';
import { Materialized } from './materialized.ts';
import { Named } from './named.ts';
import { SessionWindows } from './session-windows.ts';
import { StreamsBuilder } from './streams-builder.ts';
import { BufferConfig, Suppressed } from './suppressed.ts';
import { TimeWindows } from './time-windows.ts';
import { Windowed } from './windowed.ts';

const strings = Grouped.with(Serdes.String(), Serdes.String());
const windowedToString = (key: Windowed<string>) => Windowed.toString(key);

function built(define: (b: StreamsBuilder) => void): Topology {
  const builder = new StreamsBuilder();
  define(builder);
  return builder.build();
}

const TOPOLOGIES: Record<string, () => Topology> = {
  'session-count': () =>
    built((b) => {
      b.stream('in')
        .groupByKey(strings)
        .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(10))
        .count()
        .toStream(windowedToString)
        .to('out', { keySerde: Serdes.String(), valueSerde: Serdes.Long() });
    }),
  'session-count-suppress': () =>
    built((b) => {
      b.stream('in')
        .groupByKey(strings)
        .windowedBy(SessionWindows.ofInactivityGapAndGrace(10, 5))
        .count()
        .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()))
        .toStream(windowedToString)
        .to('out', { keySerde: Serdes.String(), valueSerde: Serdes.Long() });
    }),
  'session-named': () =>
    built((b) => {
      const sessions = b
        .stream('in')
        .groupBy((_k, v) => v, Grouped.as('by-value'))
        .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(10));
      sessions
        .reduce((a, v) => `${a}+${v}`, Materialized.as('reduced'), Named.as('reducer'))
        .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()).withName('final'))
        .toStream()
        .to('out1');
    }),
  'session-aggregate-count': () =>
    built((b) => {
      const grouped = b.stream('in').groupByKey();
      grouped
        .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(10))
        .aggregate(
          () => '',
          (_k, v, a) => a + v,
          (_k, a1, a2) => a1 + a2,
        )
        .toStream()
        .to('out2');
      grouped
        .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(10))
        .count(Materialized.with(Serdes.String(), Serdes.Long()))
        .toStream()
        .to('out3');
    }),
  'tumbling-count-suppress': () =>
    built((b) => {
      b.stream('in')
        .groupByKey(strings)
        .windowedBy(TimeWindows.ofSizeAndGrace(10, 5))
        .count()
        .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()))
        .toStream(windowedToString)
        .to('out', { keySerde: Serdes.String(), valueSerde: Serdes.Long() });
    }),
  'hopping-reduce-suppress-named': () =>
    built((b) => {
      b.stream('in')
        .groupByKey(strings)
        .windowedBy(TimeWindows.ofSizeWithNoGrace(20).advanceBy(10))
        .reduce((a, v) => `${a},${v}`, Materialized.as('hops'))
        .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded().shutDownWhenFull()).withName('hop-final'))
        .toStream(windowedToString)
        .to('out');
    }),
  'session-join-suppressed': () =>
    built((b) => {
      const g = b.stream('in').groupByKey(strings);
      const windows = SessionWindows.ofInactivityGapAndGrace(10, 20);
      const finalCounts = g
        .windowedBy(windows)
        .count()
        .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()));
      g.windowedBy(windows)
        .reduce((a, v) => `${a},${v}`)
        .join(finalCounts, (s, n) => `${s}#${n}`)
        .toStream(windowedToString)
        .to('out');
    }),
  'time-limit': () =>
    built((b) => {
      b.table('t')
        .suppress(Suppressed.untilTimeLimit(10, BufferConfig.maxRecords(2).emitEarlyWhenFull()))
        .toStream()
        .to('out');
    }),
  'session-aggregate-merges': () =>
    built((b) => {
      b.stream('in')
        .groupByKey(strings)
        .windowedBy(SessionWindows.ofInactivityGapAndGrace(10, 20))
        .aggregate(
          () => '',
          (_k, v, a) => a + v,
          (_k, a1, a2) => `${a1}|${a2}`,
        )
        .toStream(windowedToString)
        .to('out');
    }),
  'session-reduce-merges': () =>
    built((b) => {
      b.stream('in')
        .groupByKey(strings)
        .windowedBy(SessionWindows.ofInactivityGapAndGrace(10, 20))
        .reduce((a, v) => `${a},${v}`)
        .toStream(windowedToString)
        .to('out');
    }),
};

type Input = readonly [key: string, value: string | null, timestamp: number];

// The same inputs as SessionSuppressReference.java: out-of-order records that merge sessions, and late ones.
const SESSION_INPUT: readonly Input[] = [
  ['a', '1', 0],
  ['a', '2', 5],
  ['b', '3', 3],
  ['a', '4', 30],
  ['a', '5', 20],
  ['b', '6', 12],
  ['a', '7', 2],
  ['a', '8', 14],
  ['c', '9', 60],
  ['a', '10', 38],
  ['b', '11', 13],
  ['a', '12', 90],
  ['b', '13', 89],
  ['c', '14', 100],
  ['a', '15', 200],
];

const TABLE_INPUT: readonly Input[] = [
  ['x', '1', 0],
  ['y', '2', 1],
  ['x', '3', 4],
  ['z', '4', 5],
  ['x', null, 6],
  ['y', '5', 12],
  ['w', '6', 13],
  ['x', '7', 30],
  ['y', '8', 31],
  ['z', '9', 32],
];

function tributaryOutput(name: string): string {
  const table = name === 'time-limit';
  const driver = new TopologyTestDriver(TOPOLOGIES[name]!(), { 'application.id': 'parity' });
  const input = driver.createInputTopic(table ? 't' : 'in', Serdes.String(), Serdes.String());
  for (const [key, value, timestamp] of table ? TABLE_INPUT : SESSION_INPUT)
    input.pipeInput(key, value as string, timestamp);
  const output = driver.createOutputTopic(
    'out',
    Serdes.String(),
    name.startsWith('session-count') || name.startsWith('tumbling-count') ? (Serdes.Long() as never) : Serdes.String(),
  );
  const text = output
    .readRecordsToList()
    .map((r) => `${r.key}\t${r.value}\t${r.timestamp}\n`)
    .join('');
  driver.close();
  return text;
}

const DESCRIBED = [
  'session-join-suppressed',
  'tumbling-count-suppress',
  'hopping-reduce-suppress-named',
  'session-count',
  'session-count-suppress',
  'session-named',
  'session-aggregate-count',
  'time-limit',
];
const DRIVEN = [
  'session-join-suppressed',
  'tumbling-count-suppress',
  'hopping-reduce-suppress-named',
  'session-count',
  'session-count-suppress',
  'session-aggregate-merges',
  'session-reduce-merges',
  'time-limit',
];

test("session windows and suppress: describe() and the test driver's outputs equal Kafka Streams'", {
  timeout: 300_000,
}, (t) => {
  const classpath = compiledJavaReference();
  if (classpath === undefined) {
    t.skip('java/javac not installed');
    return;
  }
  const args = [...DESCRIBED.map((n) => `describe:${n}`), ...DRIVEN.map((n) => `driver:${n}`), 'serde:session'];
  const java = runJavaReference(classpath, 'SessionSuppressReference', args);
  for (const name of DESCRIBED) {
    const expected = java.get(`describe:${name}`);
    assert.ok(expected !== undefined, `the Java side printed no description for "${name}"`);
    assert.equal(
      String(TOPOLOGIES[name]!().describe()),
      expected,
      `describe() of "${name}" differs from Kafka Streams'`,
    );
  }
  const serde = sessionWindowedSerdeFrom(Serdes.String());
  const keys = java.get('serde:session');
  assert.ok(keys !== undefined && keys.length > 0, 'the Java side printed no serialized keys');
  for (const line of keys.trimEnd().split('\n')) {
    const [key, start, end, hex] = line.split('\t');
    const window = { start: Number(start), end: Number(end) };
    assert.equal(serde.serializer('t', Windowed.of(key!, window))!.toString('hex'), hex, `session key ${line}`);
    assert.deepEqual(serde.deserializer('t', Buffer.from(hex!, 'hex')), Windowed.of(key!, window));
  }
  for (const name of DRIVEN) {
    const expected = java.get(`driver:${name}`);
    assert.ok(expected !== undefined && expected.length > 0, `the Java side printed no records for "${name}"`);
    assert.equal(tributaryOutput(name), expected, `outputs of "${name}" differ from Kafka Streams'`);
  }
});
