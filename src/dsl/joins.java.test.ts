/**
 * Joins against Kafka Streams itself: describe() of every join kind equals Java's Topology.describe()
 * (java/describe/src/JoinDescribe.java), and the same join programs fed the same records give the same output
 * records, in the same order, as Kafka Streams' TopologyTestDriver (java/describe/src/JoinDriverOutputs.java).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Serdes } from '../serdes/serdes.ts';
import { Stores } from '../state/stores.ts';
import { TopologyTestDriver } from '../test-driver/topology-test-driver.ts';
import { compiledJavaReference, runJavaReference } from '../topology/java-reference.ts';
import type { Topology } from '../topology/topology.ts';
import { JoinWindows } from './join-windows.ts';
import { Joined } from './joined.ts';
import { Materialized } from './materialized.ts';
import { Named } from './named.ts';
import { StreamJoined } from './stream-joined.ts';
import { StreamsBuilder } from './streams-builder.ts';
import { TableJoined } from './table-joined.ts';

function built(define: (b: StreamsBuilder) => void): Topology {
  const builder = new StreamsBuilder();
  define(builder);
  return builder.build();
}

const w = (ms: number) => JoinWindows.ofTimeDifferenceWithNoGrace(ms);
const concat = (x: string | null, y: string | null) => `${x}${y}`;

const DESCRIBED: Record<string, () => Topology> = {
  'stream-table': () =>
    built((b) => {
      const t = b.table('customers');
      b.stream('orders').join(t, concat).to('out');
      b.stream('orders2').leftJoin(t, concat).to('out2');
    }),
  'stream-table-named': () =>
    built((b) => {
      const t = b.table('customers', undefined, Materialized.as('cust'));
      b.stream('orders').join(t, concat, Joined.as('enrich')).to('out');
    }),
  'stream-table-repartition': () =>
    built((b) => {
      const t = b.table('customers');
      const s = b.stream('orders').selectKey((_k, v) => v);
      s.join(t, concat).to('out');
      s.leftJoin(t, concat).to('out2');
      b.stream('orders3')
        .selectKey((_k, v) => v)
        .join(t, concat, Joined.with(Serdes.String(), Serdes.String(), Serdes.String()).withName('named-join'))
        .to('out3');
    }),
  'stream-table-derived': () =>
    built((b) => {
      const t = b
        .table('customers')
        .filter(() => true)
        .mapValues((v) => `${v}!`);
      b.stream('orders').join(t, concat).to('out');
    }),
  'stream-global': () =>
    built((b) => {
      const g = b.globalTable('products');
      const s = b.stream('orders');
      s.join(g, (_k, v) => v, concat).to('out');
      s.leftJoin(g, (_k, v) => v, concat, Named.as('gl')).to('out2');
    }),
  'table-table': () =>
    built((b) => {
      const a = b.table('a');
      const c = b.table('c');
      a.join(c, concat).toStream().to('inner');
      a.leftJoin(c, concat, Materialized.as('left-store')).toStream().to('left');
      a.outerJoin(c, concat, Named.as('outer')).toStream().to('outer');
    }),
  'table-table-materialized': () =>
    built((b) => {
      b.table('a')
        .outerJoin(b.table('c'), concat, Materialized.with(Serdes.String(), Serdes.String()))
        .groupBy((_k, v) => [v, v])
        .count()
        .toStream()
        .to('counts', { keySerde: Serdes.String(), valueSerde: Serdes.Long() });
    }),
  'table-table-chain': () =>
    built((b) => {
      const a = b.table('a');
      const c = b.table('c');
      const d = b.table('d');
      const ac = a.join(c, concat);
      ac.leftJoin(d, concat).toStream().to('out');
      b.stream('s').join(ac, concat).to('out2');
    }),
  'stream-stream': () =>
    built((b) => {
      b.stream('left').join(b.stream('right'), concat, w(100)).to('inner');
    }),
  'stream-stream-left': () =>
    built((b) => {
      b.stream('left')
        .leftJoin(b.stream('right'), concat, JoinWindows.ofTimeDifferenceAndGrace(100, 50).before(20))
        .to('left-out');
    }),
  'stream-stream-outer': () =>
    built((b) => {
      b.stream('left').outerJoin(b.stream('right'), concat, w(100).after(30)).to('outer-out');
    }),
  'stream-stream-named': () =>
    built((b) => {
      const l = b.stream('left');
      const r = b.stream('right');
      l.leftJoin(
        r,
        concat,
        w(100),
        StreamJoined.with(Serdes.String(), Serdes.String(), Serdes.String()).withName('lj').withStoreName('ljs'),
      ).to('o1');
      l.outerJoin(r, concat, w(100), StreamJoined.as('oj')).to('o2');
      l.join(r, concat, w(100), StreamJoined.as('ij').withName('ijn')).to('o3');
    }),
  'stream-stream-repartition': () =>
    built((b) => {
      const l = b.stream('left').selectKey((_k, v) => v);
      const r = b.stream('right').map((k, v) => [v, k]);
      l.join(r, concat, w(100)).to('o1');
      l.outerJoin(r, concat, w(100), StreamJoined.as('st').withName('nm')).to('o2');
    }),
  'stream-stream-suppliers': () =>
    built((b) => {
      b.stream('left')
        .leftJoin(
          b.stream('right'),
          concat,
          w(100),
          StreamJoined.with(
            Stores.inMemoryWindowStore('this-win', 200, 200, true),
            Stores.inMemoryWindowStore('other-win', 200, 200, true),
          ),
        )
        .to('o');
    }),
  'fk-join': () =>
    built((b) => {
      const orders = b.table('orders');
      const customers = b.table('customers');
      orders
        .join(customers, (v) => v.split(':')[0], concat)
        .toStream()
        .to('out');
    }),
  'fk-join-named': () =>
    built((b) => {
      const orders = b.table('orders');
      const customers = b.table('customers');
      orders
        .leftJoin(customers, (v) => v.split(':')[0], concat, TableJoined.as('fk'), Materialized.as('fk-result'))
        .toStream()
        .to('out');
    }),
};

test("describe() of every join kind equals Kafka Streams' Topology.describe()", { timeout: 240_000 }, (t) => {
  const classpath = compiledJavaReference();
  if (classpath === undefined) {
    t.skip('java/javac not installed');
    return;
  }
  const java = runJavaReference(classpath, 'JoinDescribe', Object.keys(DESCRIBED));
  for (const [name, build] of Object.entries(DESCRIBED)) {
    const expected = java.get(name);
    assert.ok(expected !== undefined, `the Java side printed no description for "${name}"`);
    assert.equal(String(build().describe()), expected, `describe() of "${name}" differs from Kafka Streams'`);
  }
});

type Row = readonly [topic: string, key: string, value: string | null, timestamp: number];

// The same inputs as JoinDriverOutputs.java's.
const STREAM_TABLE: readonly Row[] = [
  ['orders', 'c1', 'o1', 10],
  ['customers', 'c1', 'alice', 20],
  ['orders', 'c1', 'o2', 15],
  ['orders', 'c2', 'o3', 30],
  ['customers', 'c2', 'bob', 40],
  ['orders', 'c2', 'o4', 35],
  ['customers', 'c1', null, 50],
  ['orders', 'c1', 'o5', 60],
  ['orders', 'c2', null, 70],
];

// Out-of-order records (b2@90, a4@95, b4@200) and late ones (a4, b4 arrive after their window and grace closed).
const STREAM_STREAM: readonly Row[] = [
  ['left', 'A', 'a1', 100],
  ['right', 'A', 'b1', 105],
  ['left', 'B', 'a2', 110],
  ['right', 'A', 'b2', 90],
  ['left', 'A', 'a3', 120],
  ['right', 'C', 'c1', 130],
  ['left', 'A', 'a4', 95],
  ['right', 'B', 'b3', 300],
  ['left', 'A', 'a5', 150],
  ['left', 'C', 'a6', 190],
  ['right', 'D', 'd1', 400],
  ['left', 'B', 'a7', 250],
  ['right', 'B', 'b4', 200],
  ['left', 'E', 'a8', 500],
];

const TABLE_TABLE: readonly Row[] = [
  ['ta', 'k1', 'x1', 10],
  ['tb', 'k1', 'y1', 20],
  ['tb', 'k2', 'y2', 15],
  ['ta', 'k1', 'x2', 30],
  ['ta', 'k2', 'x3', 5],
  ['tb', 'k1', null, 40],
  ['ta', 'k1', null, 50],
  ['tb', 'k2', 'y1', 60],
  ['ta', 'k3', 'x1', 70],
];

const FK: readonly Row[] = [
  ['fk-orders', 'o1', 'c1:10', 10],
  ['fk-customers', 'c1', 'alice', 20],
  ['fk-orders', 'o2', 'c2:20', 30],
  ['fk-customers', 'c2', 'bob', 40],
  ['fk-orders', 'o1', 'c2:11', 50],
  ['fk-customers', 'c2', 'bobby', 60],
  ['fk-orders', 'o3', 'c3:5', 70],
  ['fk-customers', 'c1', null, 80],
  ['fk-orders', 'o2', null, 90],
  ['fk-customers', 'c3', 'carl', 100],
  ['fk-orders', 'o3', 'c1:6', 110],
];

const j = (a: string | null, b: string | null) => `${a}+${b}`;

interface Scenario {
  readonly topology: () => Topology;
  readonly rows: readonly Row[];
  readonly outputs: readonly string[];
}

const streamStream = (kind: 'join' | 'leftJoin' | 'outerJoin', windows: JoinWindows): Scenario => ({
  topology: () =>
    built((b) => {
      const l = b.stream('left');
      const r = b.stream('right');
      if (kind === 'join') l.join(r, j, windows).to('out');
      else if (kind === 'leftJoin') l.leftJoin(r, j, windows).to('out');
      else l.outerJoin(r, j, windows).to('out');
    }),
  rows: STREAM_STREAM,
  outputs: ['out'],
});

const DRIVEN: Record<string, Scenario> = {
  'stream-table': {
    topology: () =>
      built((b) => {
        const customers = b.table('customers');
        const orders = b.stream('orders');
        orders.join(customers, j).to('inner');
        orders.leftJoin(customers, j).to('left');
      }),
    rows: STREAM_TABLE,
    outputs: ['inner', 'left'],
  },
  'stream-stream-inner': streamStream('join', JoinWindows.ofTimeDifferenceAndGrace(20, 30)),
  'stream-stream-left': streamStream('leftJoin', JoinWindows.ofTimeDifferenceAndGrace(20, 30)),
  'stream-stream-left-asymmetric': streamStream('leftJoin', JoinWindows.ofTimeDifferenceWithNoGrace(10).after(40)),
  'stream-stream-outer': streamStream('outerJoin', JoinWindows.ofTimeDifferenceAndGrace(20, 10)),
  'table-table': {
    topology: () =>
      built((b) => {
        const ta = b.table('ta');
        const tb = b.table('tb');
        ta.join(tb, j).toStream().to('inner');
        ta.leftJoin(tb, j).toStream().to('left');
        const outer = ta.outerJoin(tb, j);
        outer.toStream().to('outer');
        outer
          .groupBy((_k, v) => [v.slice(0, 2), v])
          .count()
          .toStream()
          .mapValues((v) => String(v))
          .to('outer-counts');
      }),
    rows: TABLE_TABLE,
    outputs: ['inner', 'left', 'outer', 'outer-counts'],
  },
  'table-table-left-materialized-sum': {
    topology: () =>
      built((b) => {
        b.table('ta')
          .leftJoin(b.table('tb'), j, Materialized.as('joined'))
          .groupBy((_k, v) => [v.endsWith('null') ? 'unmatched' : 'matched', String(v.length)])
          .reduce(
            (a, v) => String(Number(a) + Number(v)),
            (a, v) => String(Number(a) - Number(v)),
          )
          .toStream()
          .to('sums');
      }),
    rows: TABLE_TABLE,
    outputs: ['sums'],
  },
  'stream-table-rekeyed': {
    topology: () =>
      built((b) => {
        const customers = b.table('customers');
        b.stream('orders')
          .selectKey((k, v) => (v === null ? k : v.slice(0, 1)))
          .leftJoin(customers, j)
          .to('left');
      }),
    rows: STREAM_TABLE,
    outputs: ['left'],
  },
  'fk-join': {
    topology: () =>
      built((b) => {
        const orders = b.table('fk-orders');
        const customers = b.table('fk-customers');
        orders
          .join(customers, (v) => v.split(':')[0], j)
          .toStream()
          .to('inner');
        orders
          .leftJoin(customers, (v) => v.split(':')[0], j)
          .toStream()
          .to('left');
      }),
    rows: FK,
    outputs: ['inner', 'left'],
  },
};

function tributaryOutput(scenario: Scenario): string {
  const driver = new TopologyTestDriver(scenario.topology(), {
    'application.id': 'parity',
    '__emit.interval.ms.kstreams.outer.join.spurious.results.fix__': 0,
  });
  try {
    for (const [topic, key, value, timestamp] of scenario.rows) {
      driver.createInputTopic(topic, Serdes.String(), Serdes.String()).pipeInput(key, value as string, timestamp);
    }
    return scenario.outputs
      .map((topic) =>
        driver
          .createOutputTopic(topic, Serdes.String(), Serdes.String())
          .readRecordsToList()
          .map((r) => `${r.key}\t${r.value}\t${r.timestamp}\n`)
          .join(''),
      )
      .join('---\n');
  } finally {
    driver.close();
  }
}

test("joins give the same output records as Kafka Streams' TopologyTestDriver (out-of-order and late records included)", {
  timeout: 300_000,
}, (t) => {
  const classpath = compiledJavaReference();
  if (classpath === undefined) {
    t.skip('java/javac not installed');
    return;
  }
  const java = runJavaReference(classpath, 'JoinDriverOutputs', Object.keys(DRIVEN));
  for (const [name, scenario] of Object.entries(DRIVEN)) {
    const expected = java.get(name);
    assert.ok(expected !== undefined, `the Java side printed nothing for "${name}"`);
    assert.ok(expected.length > 0 && expected !== '---\n', `the Java side produced no records for "${name}"`);
    assert.equal(tributaryOutput(scenario), expected, `outputs of "${name}" differ from Kafka Streams'`);
  }
});
