import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildPageViewsTopology } from '../../examples/page-views/topology.ts';
import { buildWordCountTopology } from '../../examples/word-count/topology.ts';
import { StreamsBuilder } from '../dsl/streams-builder.ts';
import { buildTopology } from './build-topology.ts';

test('word count builds two sub-topologies joined by <application.id>-<name>-repartition, with a compacted changelog', () => {
  const built = buildTopology(buildWordCountTopology(), { 'application.id': 'wc' });
  assert.equal(built.subtopologies.length, 2);
  const [first, second] = built.subtopologies;
  assert.deepEqual(first.sourceTopics, ['text-lines']);
  assert.deepEqual(first.sinkTopics, ['wc-counts-store-repartition']);
  assert.deepEqual(first.stores, []);
  assert.deepEqual(second.sourceTopics, ['wc-counts-store-repartition']);
  assert.deepEqual(second.sinkTopics, ['word-counts']);
  assert.deepEqual(second.stores, ['counts-store']);
  assert.deepEqual([...second.changelogs], [['counts-store', 'wc-counts-store-changelog']]);
  const topics = new Map(built.internalTopics.map((t) => [t.name, t]));
  assert.equal(topics.get('wc-counts-store-repartition')?.kind, 'repartition');
  assert.equal(topics.get('wc-counts-store-repartition')?.configs['cleanup.policy'], 'delete');
  assert.equal(topics.get('wc-counts-store-repartition')?.partitions, undefined, 'sized from the source at runtime');
  assert.equal(topics.get('wc-counts-store-changelog')?.kind, 'changelog');
  assert.equal(topics.get('wc-counts-store-changelog')?.configs['cleanup.policy'], 'compact');
});

test('a repartition topic keeps the partition count Repartitioned asks for', () => {
  const b = new StreamsBuilder();
  b.stream('in').repartition({ name: 'spread', numberOfPartitions: 6 }).to('out');
  const built = buildTopology(b.build(), { 'application.id': 'r' });
  assert.deepEqual(
    built.internalTopics.map((t) => [t.name, t.partitions]),
    [['r-spread-repartition', 6]],
  );
});

test('ensure.explicit.internal.resource.naming refuses generated store and topic names, and accepts named ones', () => {
  const unnamed = new StreamsBuilder();
  unnamed
    .stream('in')
    .groupBy((_k, v) => v)
    .count()
    .toStream()
    .to('out');
  assert.throws(
    () => buildTopology(unnamed.build(), { 'application.id': 'x', 'ensure.explicit.internal.resource.naming': true }),
    /generated names: repartition topic "KSTREAM-AGGREGATE-STATE-STORE-0000000002-repartition", store "KSTREAM-AGGREGATE-STATE-STORE-0000000002", changelog topic of store "KSTREAM-AGGREGATE-STATE-STORE-0000000002"/,
  );
  assert.doesNotThrow(() =>
    buildTopology(buildPageViewsTopology(), {
      'application.id': 'x',
      'ensure.explicit.internal.resource.naming': 'true',
    }),
  );
  // Without the setting, generated names are fine (Kafka Streams' default).
  assert.doesNotThrow(() => buildTopology(unnamed.build(), { 'application.id': 'x' }));
});

test('building needs application.id', () => {
  assert.throws(() => buildTopology(buildWordCountTopology(), {}), /"application\.id" is required/);
});

test('describe() also gives the layout as JSON', () => {
  const json = JSON.parse(JSON.stringify(buildWordCountTopology().describe()));
  assert.equal(json.subtopologies.length, 2);
  const aggregate = json.subtopologies[1].nodes.find(
    (n: { name: string }) => n.name === 'KSTREAM-AGGREGATE-0000000003',
  );
  assert.deepEqual(aggregate, {
    type: 'processor',
    name: 'KSTREAM-AGGREGATE-0000000003',
    stores: ['counts-store'],
    predecessors: ['counts-store-repartition-source'],
    successors: ['KTABLE-TOSTREAM-0000000007'],
  });
  assert.deepEqual(json.subtopologies[0].nodes[0], {
    type: 'source',
    name: 'KSTREAM-SOURCE-0000000000',
    topics: ['text-lines'],
    successors: ['KSTREAM-FLATMAPVALUES-0000000001'],
  });
});
