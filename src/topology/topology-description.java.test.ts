/**
 * describe() must print exactly what Kafka Streams' Topology.describe() prints for the same program. The Java
 * side (java/describe/src/Describe.java, compiled by java-reference.ts and cached in java/describe/target)
 * builds each topology below with Kafka Streams 4.3.1; each TypeScript twin here builds the same one.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildFilterMapSplitTopology } from '../../examples/filter-map-split/topology.ts';
import { buildPageViewsTopology } from '../../examples/page-views/topology.ts';
import { buildWordCountTopology } from '../../examples/word-count/topology.ts';
import { Branched } from '../dsl/branched.ts';
import { Consumed } from '../dsl/consumed.ts';
import { Grouped } from '../dsl/grouped.ts';
import { Materialized } from '../dsl/materialized.ts';
import { Named } from '../dsl/named.ts';
import { Produced } from '../dsl/produced.ts';

import { StreamsBuilder } from '../dsl/streams-builder.ts';
import { Serdes } from '../serdes/serdes.ts';
import { compiledJavaReference, runJavaReference } from './java-reference.ts';
import type { Topology } from './topology.ts';

function built(define: (b: StreamsBuilder) => void): Topology {
  const builder = new StreamsBuilder();
  define(builder);
  return builder.build();
}

const TWINS: Record<string, () => Topology> = {
  'word-count': buildWordCountTopology,
  'filter-map-split': buildFilterMapSplitTopology,
  'page-views': buildPageViewsTopology,
  'unnamed-count': () =>
    built((b) => {
      b.stream('in')
        .selectKey((_k, v) => v)
        .groupByKey()
        .count()
        .toStream()
        .to('out');
    }),
  'stateless-chain': () =>
    built((b) => {
      const s = b.stream('in');
      s.filter(() => true)
        .filterNot(() => false)
        .map((k, v) => [k, v])
        .flatMap((k, v) => [[k, v] as const])
        .peek(() => {})
        .selectKey((k) => k)
        .flatMapValues((v) => [v])
        .to('out');
      s.foreach(() => {});
    }),
  'merge-split': () =>
    built((b) => {
      const branches = b
        .stream('a')
        .merge(b.stream('c'))
        .split()
        .branch((_k, v) => v.startsWith('x'))
        .branch((_k, v) => v.startsWith('y'))
        .defaultBranch();
      for (const name of Object.keys(branches).sort()) branches[name].to('out');
    }),
  repartition: () =>
    built((b) => {
      b.stream('in').repartition().to('out');
      b.stream('in2').repartition({ name: 'named', numberOfPartitions: 3 }).to('out2');
    }),
  'reduce-aggregate': () =>
    built((b) => {
      const g = b.stream('in').groupByKey();
      g.reduce((x, y) => x + y)
        .toStream()
        .to('reduced');
      g.aggregate(
        () => '',
        (_k, v, agg) => agg + v,
        Materialized.as('agg-store'),
      )
        .toStream()
        .to('aggregated');
    }),
  'table-groupby': () =>
    built((b) => {
      b.table('users')
        .groupBy((k, v) => [v, k])
        .count()
        .toStream()
        .to('users-per-region');
    }),
  'table-ops': () =>
    built((b) => {
      b.table('t', undefined, Materialized.as('t-store'))
        .filter((_k, v) => v !== null)
        .mapValues((v) => v)
        .toStream()
        .to('out');
    }),
  'to-table': () =>
    built((b) => {
      b.stream('in').toTable().toStream().to('out');
      b.stream('in2')
        .selectKey((_k, v) => v)
        .toTable(Materialized.as('tt'))
        .toStream()
        .to('out2');
    }),
  cogroup: () =>
    built((b) => {
      const g1 = b.stream('one').groupByKey();
      const g2 = b.stream('two').groupByKey();
      g1.cogroup<string>((_k, v, agg) => agg + v)
        .cogroup(g2, (_k, v, agg) => agg + v)
        .aggregate(() => '', Materialized.as('cogrouped'))
        .toStream()
        .to('out');
    }),
  process: () =>
    built((b) => {
      b.stream('in')
        .process(() => ({ process() {} }))
        .processValues(() => ({ process() {} }))
        .to('out');
    }),
  'probe-split-named': () =>
    built((b) => {
      const br = b
        .stream('in')
        .split(Named.as('s-'))
        .branch(() => true, Branched.as('a'))
        .noDefaultBranch();
      br['s-a'].to('out');
    }),
  'probe-split-one': () =>
    built((b) => {
      const br = b
        .stream('in')
        .split()
        .branch(() => true)
        .noDefaultBranch();
      for (const name of Object.keys(br).sort()) br[name].to('out');
    }),
  'probe-named-filter': () =>
    built((b) => {
      b.stream('in', Consumed.as('src'))
        .filter(() => true, Named.as('f'))
        .to('out', Produced.as('snk'));
    }),
  'probe-table-plain': () =>
    built((b) => {
      b.table('t').toStream().to('out');
    }),
  'probe-table-filter-groupby': () =>
    built((b) => {
      b.table<string, string>('t')
        .filter(() => true)
        .groupBy((_k, v) => [v, v], Grouped.as('g'))
        .reduce(
          (x, y) => x + y,
          (x) => x,
        )
        .toStream()
        .to('out');
    }),
  'probe-groupby-named-count': () =>
    built((b) => {
      b.stream('in')
        .groupBy((_k, v) => v)
        .count(undefined, Named.as('cnt'))
        .toStream()
        .to('out');
    }),
  'probe-pattern': () =>
    built((b) => {
      b.stream(/in-.*/).to('out');
    }),
  'probe-table-named-source': () =>
    built((b) => {
      b.table('t', Consumed.as('ts'), Materialized.as('tstore')).toStream().to('out');
    }),
  'probe-named-stream-aggregations': () =>
    built((b) => {
      const g = b
        .stream('in')
        .selectKey((_k, v) => v)
        .groupByKey(Grouped.as('g'));
      g.reduce((x, y) => x + y, Materialized.as('rs'), Named.as('red'))
        .toStream(Named.as('ts1'))
        .to('out1');
      g.aggregate(
        () => '',
        (_k, v, a) => a + v,
        Materialized.as('as'),
        Named.as('agg'),
      )
        .toStream()
        .to('out2');
    }),
  'probe-table-groupby-named': () =>
    built((b) => {
      b.table('t')
        .groupBy((k, v) => [v, k], Grouped.as('tg'))
        .aggregate(
          () => '',
          (_k, v, a) => a + v,
          (_k, _v, a) => a,
          Materialized.as('tstore2'),
          Named.as('tagg'),
        )
        .toStream()
        .to('out');
    }),
  'probe-cogroup-repartition': () =>
    built((b) => {
      const g1 = b
        .stream('one')
        .selectKey((_k, v) => v)
        .groupByKey();
      const g2 = b.stream('two').groupByKey();
      g1.cogroup<string>((_k, v, a) => a + v)
        .cogroup(g2, (_k, v, a) => a + v)
        .aggregate(() => '', Materialized.as('cs'), Named.as('co'))
        .toStream()
        .to('out');
    }),
  'probe-totable-named': () =>
    built((b) => {
      b.stream('in').toTable(Materialized.as('tts'), Named.as('tt')).toStream().to('out');
    }),
  'probe-ktable-materialized-ops': () =>
    built((b) => {
      b.table('t')
        .filter(() => true, Materialized.as('fstore'))
        .mapValues((v) => v, Materialized.with(Serdes.String(), Serdes.String()))
        .toStream()
        .to('out');
    }),
  'global-table': () =>
    built((b) => {
      b.globalTable('countries');
      b.stream('in')
        .mapValues((v) => v)
        .to('out');
      b.globalTable('currencies', undefined, Materialized.as('currency-store'));
    }),
  'probe-multi-topic': () =>
    built((b) => {
      b.stream(['b-topic', 'a-topic']).to('out');
    }),
  'probe-split-chain': () =>
    built((b) => {
      b.stream('in')
        .split()
        .branch(
          () => true,
          Branched.withConsumer((s) => s.to('x')),
        )
        .defaultBranch(Branched.withFunction((s) => s.mapValues((v) => v)));
    }),
};

test("describe() prints exactly Kafka Streams' TopologyDescription for the same programs", {
  timeout: 240_000,
}, (t) => {
  const classpath = compiledJavaReference();
  if (classpath === undefined) {
    t.skip('java/javac not installed');
    return;
  }
  const java = runJavaReference(classpath, 'Describe', Object.keys(TWINS));
  for (const [name, build] of Object.entries(TWINS)) {
    const expected = java.get(name);
    assert.ok(expected !== undefined, `the Java side printed no description for "${name}"`);
    assert.equal(String(build().describe()), expected, `describe() of "${name}" differs from Kafka Streams'`);
  }
});
