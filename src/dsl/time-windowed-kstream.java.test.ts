/**
 * Time-windowed aggregations against Kafka Streams 4.3.1 itself: describe() prints exactly what Java's
 * Topology.describe() prints for the same programs (java/describe/src/WindowDescribe.java), and the same
 * records piped through both TopologyTestDriver's give the same output records, keys serialized with the
 * time-windowed serde on both sides (java/describe/src/WindowDriverOutputs.java, record caching off).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SerdeLike } from '../processor/internals/serde-like.ts';
import { Serdes } from '../serdes/serdes.ts';
import { timeWindowedSerdeFrom } from '../serdes/time-windowed-serde.ts';
import { Stores } from '../state/stores.ts';
import { TopologyTestDriver } from '../test-driver/topology-test-driver.ts';
import { compiledJavaReference, runJavaReference } from '../topology/java-reference.ts';
import type { Topology } from '../topology/topology.ts';
import { EmitStrategy } from './emit-strategy.ts';
import { Grouped } from './grouped.ts';
import { Materialized } from './materialized.ts';
import { Named } from './named.ts';
import { SlidingWindows } from './sliding-windows.ts';
import { StreamsBuilder } from './streams-builder.ts';
import { TimeWindows } from './time-windows.ts';
import { Windowed } from './windowed.ts';

function built(define: (b: StreamsBuilder) => void): Topology {
  const builder = new StreamsBuilder();
  define(builder);
  return builder.build();
}

const DESCRIBE_TWINS: Record<string, () => Topology> = {
  'hopping-count': () =>
    built((b) => {
      b.stream('in')
        .groupByKey()
        .windowedBy(TimeWindows.ofSizeWithNoGrace(10).advanceBy(5))
        .count()
        .toStream()
        .to('out');
    }),
  'count-unnamed-materialized': () =>
    built((b) => {
      b.stream('in')
        .groupByKey()
        .windowedBy(TimeWindows.ofSizeWithNoGrace(10))
        .count(Materialized.with(Serdes.String(), Serdes.Long()))
        .toStream()
        .to('out');
    }),
  'tumbling-aggregate-repartition': () =>
    built((b) => {
      b.stream('in')
        .groupBy((_k, v) => v)
        .windowedBy(TimeWindows.ofSizeAndGrace(10, 5))
        .aggregate(
          () => '',
          (_k, v, agg) => agg + v,
          Materialized.as('agg-store'),
        )
        .toStream()
        .to('out');
    }),
  'sliding-count-repartition': () =>
    built((b) => {
      b.stream('in')
        .selectKey((_k, v) => v)
        .groupByKey()
        .windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(10))
        .count()
        .toStream()
        .to('out');
    }),
  'named-reduce-and-sliding-aggregate': () =>
    built((b) => {
      const g = b.stream('in').groupBy((_k, v) => v, Grouped.as('by-value'));
      g.windowedBy(TimeWindows.ofSizeWithNoGrace(100).advanceBy(10))
        .reduce((a, v) => a + v, Materialized.as('reduced'), Named.as('hop-reduce'))
        .toStream(Named.as('reduced-stream'))
        .to('reduced-out');
      g.windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(50, 20))
        .aggregate(
          () => '',
          (_k, v, agg) => agg + v,
        )
        .toStream()
        .to('slid-out');
    }),
  'windowed-count-then-filter': () =>
    built((b) => {
      b.stream('in')
        .groupByKey()
        .windowedBy(TimeWindows.ofSizeWithNoGrace(10))
        .emitStrategy(EmitStrategy.onWindowClose())
        .count(Materialized.as('closing'))
        .filter((_k, v) => v > 1)
        .toStream()
        .to('out');
    }),
  'cogroup-windowed': () =>
    built((b) => {
      const a = b.stream('a').groupByKey();
      const c = b.stream('c').groupBy((_k, v) => v);
      a.cogroup<string>((_k, v, agg) => agg + v)
        .cogroup(c, (_k, v, agg) => agg + v)
        .windowedBy(TimeWindows.ofSizeWithNoGrace(10))
        .aggregate(() => '', Materialized.as('cog'))
        .toStream()
        .to('out');
    }),
  'cogroup-repartition-unwindowed': () =>
    built((b) => {
      const a = b.stream('a').groupBy((_k, v) => v);
      const c = b.stream('c').groupByKey();
      a.cogroup<string>((_k, v, agg) => agg + v)
        .cogroup(c, (_k, v, agg) => agg + v)
        .aggregate(() => '')
        .toStream()
        .to('out');
    }),
  'cogroup-sliding-named': () =>
    built((b) => {
      const a = b.stream('a').groupByKey();
      const c = b.stream('c').groupByKey();
      a.cogroup<string>((_k, v, agg) => agg + v)
        .cogroup(c, (_k, v, agg) => agg + v)
        .windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(10))
        .aggregate(() => '', undefined, Named.as('slide'))
        .toStream()
        .to('out');
    }),
  'count-with-window-store-supplier': () =>
    built((b) => {
      b.stream('in')
        .groupByKey()
        .windowedBy(TimeWindows.ofSizeWithNoGrace(1000).advanceBy(500))
        .count(Materialized.as(Stores.inMemoryWindowStore('hops', 3000, 1000, false)))
        .toStream()
        .to('out');
    }),
};

type Input = readonly [key: string, value: string | null, timestamp: number];

interface DriverScenario {
  readonly windowSize: number;
  readonly longValues: boolean;
  readonly define: (b: StreamsBuilder, out: { keySerde: SerdeLike<Windowed<string>>; valueSerde: any }) => void;
  readonly records: readonly Input[];
}

const DRIVER_SCENARIOS: Record<string, DriverScenario> = {
  'hopping-count': {
    windowSize: 10,
    longValues: true,
    define: (b, out) => {
      b.stream('in')
        .groupByKey()
        .windowedBy(TimeWindows.ofSizeWithNoGrace(10).advanceBy(5))
        .count()
        .toStream()
        .to('out', out);
    },
    records: [
      ['a', 'x', 1],
      ['a', null, 7], // time windows count null values, as Java
      ['b', 'y', 12],
      ['a', 'z', 3], // late for [0,10) (closed at stream time 12), dropped
      ['a', 'w', 14],
      ['b', 'v', 24],
      ['a', 'u', 19], // [10,20) closed at 24: only [15,25) takes it
    ],
  },
  'tumbling-aggregate-grace': {
    windowSize: 10,
    longValues: false,
    define: (b, out) => {
      b.stream('in')
        .groupByKey()
        .windowedBy(TimeWindows.ofSizeAndGrace(10, 5))
        .aggregate(
          () => '',
          (_k, v, agg) => `${agg}|${v}`,
        )
        .toStream()
        .to('out', out);
    },
    records: [
      ['a', '1', 2],
      ['b', '2', 9],
      ['a', '3', 13],
      ['a', '4', 8], // within grace: window [0,10) still open until stream time 15
      ['b', '5', 15], // closes [0,10)
      ['a', '6', 9], // late: dropped
      ['a', '7', 30],
      ['a', '8', 24], // [20,30) still open (closes at 35)
      ['b', '9', 0],
    ],
  },
  'sliding-count': {
    windowSize: 10,
    longValues: true,
    define: (b, out) => {
      b.stream('in')
        .groupByKey()
        .windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(10, 5))
        .count()
        .toStream()
        .to('out', out);
    },
    records: [
      ['a', 'x', 3], // early: goes into [0,10)
      ['a', 'x', 8],
      ['a', 'x', 20],
      ['a', 'x', 25],
      ['a', 'x', 22], // out of order, inside existing windows
      ['a', 'x', 40],
      ['a', null, 41], // sliding windows drop null values
      ['a', 'x', 31], // out of order
      ['a', 'x', 20], // same timestamp as an earlier record
      ['a', 'x', 12], // late: its left window [2,12] closed at stream time 41 - 5
      ['b', 'y', 5],
      ['b', 'y', 15],
    ],
  },
  'sliding-reduce': {
    windowSize: 5,
    longValues: false,
    define: (b, out) => {
      b.stream('in')
        .groupByKey()
        .windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(5))
        .reduce((a, v) => a + v)
        .toStream()
        .to('out', out);
    },
    records: [
      ['k', 'a', 10],
      ['k', 'b', 12],
      ['k', 'c', 11],
      ['k', 'd', 17],
      ['k', 'e', 30],
      ['k', 'f', 26],
    ],
  },
  'tumbling-count-on-close': {
    windowSize: 10,
    longValues: true,
    define: (b, out) => {
      b.stream('in')
        .groupByKey()
        .windowedBy(TimeWindows.ofSizeAndGrace(10, 2))
        .emitStrategy(EmitStrategy.onWindowClose())
        .count()
        .toStream()
        .to('out', out);
    },
    records: [
      ['a', 'v', 1],
      ['b', 'v', 5],
      ['a', 'v', 9],
      ['a', 'v', 11],
      ['a', 'v', 12],
      ['b', 'v', 13],
      ['b', 'v', 25],
      ['a', 'v', 26],
      ['a', 'v', 61],
    ],
  },
  'sliding-count-on-close': {
    windowSize: 10,
    longValues: true,
    define: (b, out) => {
      b.stream('in')
        .groupByKey()
        .windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(10, 3))
        .emitStrategy(EmitStrategy.onWindowClose())
        .count()
        .toStream()
        .to('out', out);
    },
    records: [
      ['a', 'v', 12],
      ['a', 'v', 15],
      ['b', 'v', 20],
      ['a', 'v', 27],
      ['a', 'v', 40],
      ['b', 'v', 60],
    ],
  },
  'cogroup-windowed': {
    windowSize: 10,
    longValues: false,
    define: (b, out) => {
      const a = b.stream('a').groupByKey();
      const c = b.stream('c').groupBy((_k, v) => v);
      a.cogroup<string>((_k, v, agg) => `${agg}a${v}`)
        .cogroup(c, (k, _v, agg) => `${agg}c${k}`)
        .windowedBy(TimeWindows.ofSizeAndGrace(10, 2))
        .aggregate(() => '')
        .toStream()
        .to('out', out);
    },
    records: [
      ['a/k', '1', 1],
      ['c/x', 'k', 4],
      ['a/j', '2', 12],
      ['c/y', 'k', 9], // still in [0,10): closes at 12
      ['a/k', '3', 15], // [0,10) closed now
      ['c/z', 'k', 8], // late: dropped
    ],
  },
  'cogroup-sliding': {
    windowSize: 10,
    longValues: false,
    define: (b, out) => {
      const a = b.stream('a').groupByKey();
      const c = b.stream('c').groupByKey();
      a.cogroup<string>((_k, v, agg) => `${agg}a${v}`)
        .cogroup(c, (_k, v, agg) => `${agg}c${v}`)
        .windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(10))
        .aggregate(() => '', undefined, Named.as('slide'))
        .toStream()
        .to('out', out);
    },
    records: [
      ['a/k', '1', 15],
      ['c/k', '2', 20],
      ['a/k', '3', 27],
      ['c/k', '4', 18],
    ],
  },
  'windowed-table-join': {
    windowSize: 10,
    longValues: false,
    define: (b, out) => {
      const g = b.stream('in').groupByKey();
      const counts = g.windowedBy(TimeWindows.ofSizeWithNoGrace(10)).count();
      const joined = g.windowedBy(TimeWindows.ofSizeWithNoGrace(10)).reduce((a, v) => a + v);
      counts
        .join(joined, (n, s) => `${n}:${s}`)
        .toStream()
        .to('out', out);
    },
    records: [
      ['a', 'x', 1],
      ['a', 'y', 5],
      ['b', 'z', 7],
      ['a', 'w', 12],
      ['b', 'v', 3],
    ],
  },
};

function tributaryOutputs(scenario: DriverScenario): string {
  const keySerde = timeWindowedSerdeFrom(Serdes.String(), scenario.windowSize);
  const valueSerde = scenario.longValues ? Serdes.Long() : Serdes.String();
  const builder = new StreamsBuilder();
  scenario.define(builder, { keySerde, valueSerde });
  const driver = new TopologyTestDriver(builder.build(), {
    'application.id': 'window-parity',
    '__emit.interval.ms.kstreams.windowed.aggregation__': 0,
  });
  try {
    // A key "topic/key" goes to that topic; other keys go to "in" (as WindowDriverOutputs.java reads them).
    for (const [key, value, timestamp] of scenario.records) {
      const slash = key.indexOf('/');
      const topic = slash < 0 ? 'in' : key.slice(0, slash);
      driver.createInputTopic(topic).pipeInput(key.slice(slash + 1), value as string, timestamp);
    }
    const out = driver.createOutputTopic<Windowed<string>, unknown>('out', keySerde, valueSerde);
    return out
      .readRecordsToList()
      .map((r) => `${Windowed.toString(r.key)}\t${String(r.value)}\t${r.timestamp}\n`)
      .join('');
  } finally {
    driver.close();
  }
}

test("describe() of time-windowed programs prints exactly Kafka Streams' TopologyDescription", {
  timeout: 240_000,
}, (t) => {
  const classpath = compiledJavaReference();
  if (classpath === undefined) {
    t.skip('java/javac not installed');
    return;
  }
  const java = runJavaReference(classpath, 'WindowDescribe', Object.keys(DESCRIBE_TWINS));
  for (const [name, build] of Object.entries(DESCRIBE_TWINS)) {
    const expected = java.get(name);
    assert.ok(expected !== undefined, `the Java side printed no description for "${name}"`);
    assert.equal(String(build().describe()), expected, `describe() of "${name}" differs from Kafka Streams'`);
  }
});

test("time-windowed aggregations give Kafka Streams' TopologyTestDriver outputs, record for record", {
  timeout: 240_000,
}, (t) => {
  const classpath = compiledJavaReference();
  if (classpath === undefined) {
    t.skip('java/javac not installed');
    return;
  }
  const args: string[] = [];
  for (const [name, scenario] of Object.entries(DRIVER_SCENARIOS)) {
    args.push(name, scenario.records.map(([k, v, ts]) => `${k},${v ?? 'null'},${ts}`).join(';'));
  }
  const java = runJavaReference(classpath, 'WindowDriverOutputs', args);
  for (const [name, scenario] of Object.entries(DRIVER_SCENARIOS)) {
    const expected = java.get(name);
    assert.ok(expected !== undefined && expected.length > 0, `the Java side printed no output for "${name}"`);
    assert.equal(tributaryOutputs(scenario), expected, `outputs of "${name}" differ from Kafka Streams'`);
  }
});

test("a windowed count's changelog records equal Kafka Streams', byte for byte (WindowKeySchema keys, plain values)", {
  timeout: 240_000,
}, (t) => {
  const classpath = compiledJavaReference();
  if (classpath === undefined) {
    t.skip('java/javac not installed');
    return;
  }
  const records: Input[] = [
    ['a', 'x', 1],
    ['a', null, 7],
    ['b', 'y', 12],
    ['a', 'z', 3],
    ['a', 'w', 14],
    ['b', 'v', 30],
    ['a', 'u', 9], // late: dropped, nothing logged
  ];
  const java = runJavaReference(classpath, 'WindowDriverOutputs', [
    'hopping-count-changelog',
    records.map(([k, v, ts]) => `${k},${v ?? 'null'},${ts}`).join(';'),
  ]);
  const builder = new StreamsBuilder();
  builder
    .stream('in')
    .groupByKey()
    .windowedBy(TimeWindows.ofSizeAndGrace(10, 3).advanceBy(5))
    .count(Materialized.as('hop-counts'));
  const driver = new TopologyTestDriver(builder.build(), { 'application.id': 'window-parity' });
  const input = driver.createInputTopic('in');
  for (const [key, value, timestamp] of records) input.pipeInput(key, value as string, timestamp);
  const hex = (bytes: Buffer | null) => (bytes === null ? 'null' : bytes.toString('hex'));
  const logged = driver
    .written('window-parity-hop-counts-changelog')
    .map((r) => `${hex(r.key)}\t${hex(r.value)}\t${r.timestamp}\n`)
    .join('');
  driver.close();
  assert.ok((java.get('hopping-count-changelog') ?? '').length > 0, 'the Java side printed no changelog');
  assert.equal(logged, java.get('hopping-count-changelog'));
});
