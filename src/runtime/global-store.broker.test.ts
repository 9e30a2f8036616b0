/**
 * Global stores under KafkaStreams (embedded broker, and real Kafka when TRIBUTARY_TEST_KAFKA is set): every
 * instance holds every partition of a GlobalKTable's topic, complete before its stream tasks start, and kept
 * current afterwards.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { enrichingTopology } from '../dsl/test-support/enriching-topology.ts';
import type { ReadOnlyKeyValueStore } from '../state/key-value-store.ts';
import { buildTopology } from '../topology/build-topology.ts';
import { GlobalStreamThread } from './global-stream-thread.ts';
import { KafkaStreams } from './kafka-streams.ts';
import { resolveStreamsConfig } from './streams-config.ts';
import { produceStrings, readTopic, uniqueName } from './test-support/runtime-harness.ts';
import { testBackends } from './test-support/test-backends.ts';

for (const target of testBackends) {
  describe(`global stores on ${target.label}`, () => {
    it('bootstrap() has read every partition of the global topic when it resolves', async (t) => {
      const backend = target.open();
      if (backend === undefined) return t.skip('no TRIBUTARY_TEST_KAFKA');
      const [countries, app] = [uniqueName('countries'), uniqueName('app')];
      const config = resolveStreamsConfig({ 'application.id': app, 'poll.ms': 50 });
      const thread = new GlobalStreamThread({
        backend,
        topology: buildTopology(enrichingTopology(countries, 'visits', 'out'), config.values),
        config,
        onFailure: (error) => assert.fail(error),
      });
      try {
        await backend.admin.createTopics([{ name: countries, partitions: 3, replicationFactor: 1 }]);
        const entries = Array.from({ length: 300 }, (_, i) => ({ key: `c${i}`, value: `country ${i}` }));
        await produceStrings(backend, countries, 3, entries);
        await thread.bootstrap();
        const store = thread.store('country-names') as unknown as ReadOnlyKeyValueStore<string, string>;
        for (const { key, value } of entries) assert.equal(store.get(key), value);
      } finally {
        await thread.shutdown();
        await backend.close();
      }
    });

    it('reads every partition of a global table before processing, and follows later updates', async (t) => {
      const backend = target.open();
      if (backend === undefined) return t.skip('no TRIBUTARY_TEST_KAFKA');
      const [countries, visits, output, app] = [
        uniqueName('countries'),
        uniqueName('visits'),
        uniqueName('out'),
        uniqueName('app'),
      ];
      try {
        await backend.admin.createTopics([
          { name: countries, partitions: 3, replicationFactor: 1 },
          { name: visits, partitions: 2, replicationFactor: 1 },
          { name: output, partitions: 2, replicationFactor: 1 },
        ]);
        await produceStrings(backend, countries, 3, [
          { key: 'fr', value: 'France' },
          { key: 'jp', value: 'Japan' },
          { key: 'br', value: 'Brazil' },
        ]);
        // Visits are there before start: the global table must be complete before they are processed.
        await produceStrings(backend, visits, 2, [
          { key: 'ann', value: 'jp' },
          { key: 'bob', value: 'fr' },
          { key: 'cid', value: 'br' },
        ]);
        const streams = new KafkaStreams(
          enrichingTopology(countries, visits, output),
          { 'application.id': app, 'poll.ms': 50, 'commit.interval.ms': 100 },
          { backend },
        );
        await streams.start();
        const first = await readTopic(backend, output, 2, (r) => r.length >= 3);
        assert.deepEqual(first.map((r) => r.value!.toString()).sort(), [
          'ann from Japan',
          'bob from France',
          'cid from Brazil',
        ]);

        await produceStrings(backend, countries, 3, [{ key: 'xx', value: 'Atlantis' }]);
        // The update reaches the store in the background; a visit that follows it sees it.
        const deadline = Date.now() + 10_000;
        let seen = false;
        for (let i = 0; !seen && Date.now() < deadline; i++) {
          await produceStrings(backend, visits, 2, [{ key: `dee${i}`, value: 'xx' }]);
          const out = await readTopic(backend, output, 2, (r) => r.length >= 4 + i);
          seen = out.some((r) => r.value!.toString().endsWith('from Atlantis'));
        }
        assert.ok(seen, 'a later country update was seen by the stream task');
        await streams.close();
      } finally {
        await backend.close();
      }
    });
  });
}
