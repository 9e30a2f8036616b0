import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TopologyTestDriver } from '../test-driver/topology-test-driver.ts';
import { buildTopology } from '../topology/build-topology.ts';
import { enrichingTopology } from './test-support/enriching-topology.ts';

test('a global table holds every partition of its topic and any task can read it', () => {
  const driver = new TopologyTestDriver(
    enrichingTopology('countries', 'visits', 'greetings'),
    { 'application.id': 'global' },
    {
      partitions: { countries: 3, visits: 2 },
    },
  );
  const countries = driver.createInputTopic('countries');
  countries.pipeInput('fr', 'France');
  countries.pipeInput('jp', 'Japan');
  countries.pipeInput('br', 'Brazil');
  countries.pipeInput('fr', 'République française');
  const store = driver.getKeyValueStore<string, string>('country-names');
  assert.equal(store.get('jp'), 'Japan');
  assert.equal(store.get('fr'), 'République française');
  const visits = driver.createInputTopic('visits');
  for (const [user, country] of [
    ['ann', 'jp'],
    ['bob', 'fr'],
    ['cid', 'xx'],
    ['dee', 'br'],
  ]) {
    visits.pipeInput(user, country);
  }
  assert.deepEqual(driver.createOutputTopic('greetings').readValuesToList().sort(), [
    'ann from Japan',
    'bob from République française',
    'cid from unknown',
    'dee from Brazil',
  ]);
  assert.ok(!driver.producedTopicNames().some((t) => t.includes('changelog')), 'the topic is the changelog');
});

test('the built topology lists global stores apart from the sub-topologies that make tasks', () => {
  const built = buildTopology(enrichingTopology('countries', 'visits', 'greetings'), { 'application.id': 'global' });
  assert.deepEqual(built.globalStores, [{ storeName: 'country-names', sourceTopics: ['countries'] }]);
  assert.deepEqual(
    built.subtopologies.map((s) => [s.id, s.sourceTopics]),
    [[1, ['visits']]],
  );
  assert.equal(built.internalTopics.length, 0);
});

test('a task whose driver runs no global stores says so when a processor asks for one', () => {
  const built = buildTopology(enrichingTopology('countries', 'visits', 'greetings'), { 'application.id': 'global' });
  const task = built.createTask(
    { subtopology: 1, partition: 0 },
    { collector: { send() {}, partitionsFor: () => 1 }, now: () => 0, config: { 'application.id': 'global' } },
  );
  assert.throws(() => task.initialize(), /global store "country-names" is not available to task 1_0/);
});
