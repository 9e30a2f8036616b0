/**
 * Joins against Kafka Streams itself: describe() of every join kind equals Java's Topology.describe()
 * (java/describe/src/JoinDescribe.java), and the same join programs fed the same records give the same output
 * records, in the same order, as Kafka Streams' TopologyTestDriver (java/describe/src/JoinDriverOutputs.java).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Serdes } from '../serdes/serdes.ts';
import { compiledJavaReference, runJavaReference } from '../topology/java-reference.ts';
import type { Topology } from '../topology/topology.ts';
import { JoinWindows } from './join-windows.ts';
import { Joined } from './joined.ts';
import { Materialized } from './materialized.ts';
import { Named } from './named.ts';
import { StreamJoined } from './stream-joined.ts';
import { StreamsBuilder } from './streams-builder.ts';

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
