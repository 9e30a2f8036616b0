/**
 * The same programs, fed the same records, give the same output records (key, value, timestamp, order) on
 * Tributary's TopologyTestDriver as on Kafka Streams' own TopologyTestDriver (java/describe/src/DriverOutputs.java,
 * run with record caching off, since Tributary forwards every update).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildWordCountTopology, WORD_COUNT_INPUT, WORD_COUNT_OUTPUT } from '../../examples/word-count/topology.ts';
import { StreamsBuilder } from '../dsl/streams-builder.ts';
import { Serdes } from '../serdes/serdes.ts';
import { compiledJavaReference, runJavaReference } from '../topology/java-reference.ts';
import type { Topology } from '../topology/topology.ts';
import type { TestOutputTopic } from './test-output-topic.ts';
import { TopologyTestDriver } from './topology-test-driver.ts';

type Input = readonly [key: string, value: string | null, timestamp: number];

interface Scenario {
  readonly topology: () => Topology;
  readonly input: string;
  readonly records: readonly Input[];
  /** Output topics, read in this order (sections separated by "---"). */
  readonly outputs: readonly { topic: string; long?: boolean }[];
}

const SCENARIOS: Record<string, Scenario> = {
  'word-count': {
    topology: buildWordCountTopology,
    input: WORD_COUNT_INPUT,
    records: [
      ['l1', 'Hello Kafka Streams', 1000],
      ['l2', 'All streams lead to Kafka', 900],
      ['l3', 'hello, HELLO... hello!', 1100],
    ],
    outputs: [{ topic: WORD_COUNT_OUTPUT, long: true }],
  },
  'table-groupby-count': {
    topology: () => {
      const b = new StreamsBuilder();
      b.table('user-regions')
        .groupBy((user, region) => [region, user])
        .count()
        .toStream()
        .to('region-counts', { keySerde: Serdes.String(), valueSerde: Serdes.Long() });
      return b.build();
    },
    input: 'user-regions',
    records: [
      ['alice', 'eu', 10],
      ['bob', 'eu', 20],
      ['carol', 'us', 30],
      ['alice', 'us', 25],
      ['bob', null, 40],
      ['carol', 'us', 50],
    ],
    outputs: [{ topic: 'region-counts', long: true }],
  },
  'table-filter-mapvalues': {
    topology: () => {
      const b = new StreamsBuilder();
      b.table('stock')
        .filter((_item, quantity) => Number.parseInt(quantity, 10) > 0)
        .mapValues((quantity) => `${quantity} left`)
        .toStream()
        .to('available');
      return b.build();
    },
    input: 'stock',
    records: [
      ['apple', '3', 1],
      ['apple', '0', 2],
      ['pear', '0', 3],
      ['pear', '1', 4],
      ['apple', null, 5],
    ],
    outputs: [{ topic: 'available' }],
  },
  'table-reduce': {
    topology: () => {
      const b = new StreamsBuilder();
      b.table('scores')
        .groupBy((player, score) => [player.slice(0, 1), score])
        .reduce(
          (agg, v) => String(Number(agg) + Number(v)),
          (agg, v) => String(Number(agg) - Number(v)),
        )
        .toStream()
        .to('totals');
      return b.build();
    },
    input: 'scores',
    records: [
      ['a1', '10', 100],
      ['a2', '5', 50],
      ['a1', '12', 120],
      ['b1', '7', 70],
      ['a2', null, 200],
    ],
    outputs: [{ topic: 'totals' }],
  },
  'stream-reduce-totable': {
    topology: () => {
      const b = new StreamsBuilder();
      const s = b.stream('events');
      s.groupByKey()
        .reduce((a, v) => `${a},${v}`)
        .toStream()
        .to('joined');
      s.toTable({ storeName: 'latest' })
        .filter((_k, v) => !v.startsWith('x'))
        .toStream()
        .to('latest-out');
      return b.build();
    },
    input: 'events',
    records: [
      ['k', 'a', 5],
      ['k', 'xb', 3],
      ['j', 'c', 9],
      ['k', 'd', 4],
    ],
    outputs: [{ topic: 'joined' }, { topic: 'latest-out' }],
  },
};

function tributaryOutput(scenario: Scenario): string {
  const driver = new TopologyTestDriver(scenario.topology(), { 'application.id': 'parity' });
  const input = driver.createInputTopic(scenario.input, Serdes.String(), Serdes.String());
  for (const [key, value, timestamp] of scenario.records) input.pipeInput(key, value as string, timestamp);
  const sections = scenario.outputs.map(({ topic, long }) => {
    const output: TestOutputTopic<string, unknown> = long
      ? driver.createOutputTopic(topic, Serdes.String(), Serdes.Long())
      : driver.createOutputTopic(topic, Serdes.String(), Serdes.String());
    return output
      .readRecordsToList()
      .map((r) => `${r.key}\t${r.value}\t${r.timestamp}\n`)
      .join('');
  });
  driver.close();
  return sections.join('---\n');
}

test("the test driver's outputs equal Kafka Streams' TopologyTestDriver's for the same programs and inputs", {
  timeout: 300_000,
}, (t) => {
  const classpath = compiledJavaReference();
  if (classpath === undefined) {
    t.skip('java/javac not installed');
    return;
  }
  const java = runJavaReference(classpath, 'DriverOutputs', Object.keys(SCENARIOS));
  for (const [name, scenario] of Object.entries(SCENARIOS)) {
    assert.equal(tributaryOutput(scenario), java.get(name), `outputs of "${name}" differ from Kafka Streams'`);
  }
});
