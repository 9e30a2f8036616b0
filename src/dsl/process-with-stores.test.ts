import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProcessorContext } from '../processor/processor-context.ts';
import type { Record } from '../processor/record.ts';
import { Serdes } from '../serdes/serdes.ts';
import type { KeyValueStore } from '../state/key-value-store.ts';
import { Stores } from '../state/stores.ts';
import { TopologyTestDriver } from '../test-driver/topology-test-driver.ts';
import { Produced } from './produced.ts';
import { StreamsBuilder } from './streams-builder.ts';

/** Emits a value only the first time it is seen (deduplication through a store). */
function dedupe(storeName: string) {
  let context: ProcessorContext<string, string>;
  let seen: KeyValueStore<string, number>;
  return {
    init(ctx: ProcessorContext<string, string>) {
      context = ctx;
      seen = ctx.getStateStore<KeyValueStore<string, number>>(storeName);
    },
    process(record: Record<string, string>) {
      if (seen.get(record.value) !== undefined) return;
      seen.put(record.value, record.timestamp);
      context.forward(record);
      if (record.value === 'flush') context.commit();
    },
  };
}

test('a store added to the builder is reachable from process() when named there', () => {
  const builder = new StreamsBuilder();
  builder.addStateStore(
    Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('seen'), Serdes.String(), Serdes.Long()),
  );
  builder
    .stream('in')
    .process(() => dedupe('seen'), 'seen')
    .to('out', Produced.with(Serdes.String(), Serdes.String()));
  const driver = new TopologyTestDriver(builder.build(), { 'application.id': 'dedupe' });
  const input = driver.createInputTopic('in');
  for (const value of ['a', 'b', 'a', 'c', 'b']) input.pipeInput('k', value, 10);
  assert.deepEqual(driver.createOutputTopic('out').readValuesToList(), ['a', 'b', 'c']);
  assert.equal(driver.getKeyValueStore<string, number>('seen').get('c'), 10);
  assert.ok(driver.producedTopicNames().includes('dedupe-seen-changelog'));
});

test("a supplier's stores() are added and connected automatically", () => {
  const builder = new StreamsBuilder();
  builder
    .stream('in')
    .process({
      get: () => dedupe('auto'),
      stores: () => [
        Stores.keyValueStoreBuilder(
          Stores.inMemoryKeyValueStore('auto'),
          Serdes.String(),
          Serdes.Long(),
        ).withLoggingDisabled(),
      ],
    })
    .to('out', Produced.with(Serdes.String(), Serdes.String()));
  const topology = builder.build();
  assert.match(String(topology.describe()), /Processor: KSTREAM-PROCESSOR-0000000001 \(stores: \[auto\]\)/);
  const driver = new TopologyTestDriver(topology, { 'application.id': 'auto' });
  const input = driver.createInputTopic('in');
  input.pipeInput('k', 'x');
  input.pipeInput('k', 'x');
  assert.deepEqual(driver.createOutputTopic('out').readValuesToList(), ['x']);
  assert.ok(!driver.producedTopicNames().some((t) => t.endsWith('-changelog')), 'logging disabled: no changelog');
});
