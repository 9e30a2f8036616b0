import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Serdes } from '../../src/serdes/serdes.ts';
import { TopologyTestDriver } from '../../src/test-driver/topology-test-driver.ts';
import {
  buildPageViewsTopology,
  PAGE_VIEWS_TOPIC,
  type PageView,
  VIEWS_PER_USER_STORE,
  VIEWS_PER_USER_TOPIC,
} from './topology.ts';

test('page views are counted per user across partitions, through the views-by-user repartition topic', () => {
  const driver = new TopologyTestDriver(
    buildPageViewsTopology(),
    { 'application.id': 'page-views-app' },
    {
      partitions: { [PAGE_VIEWS_TOPIC]: 4 },
    },
  );
  const input = driver.createInputTopic(PAGE_VIEWS_TOPIC, Serdes.String(), Serdes.JSON<PageView>());
  const output = driver.createOutputTopic(VIEWS_PER_USER_TOPIC, Serdes.String(), Serdes.Long());
  const views: PageView[] = [];
  const users = ['alice', 'bob', 'carol'];
  for (let i = 0; i < 30; i++) views.push({ user: users[i % 3 === 2 ? 0 : i % 3], page: `/page/${i % 7}` });
  // Keyed by page: a user's views land on several input partitions.
  for (const view of views) input.pipeInput(view.page, view);

  const expected = new Map<string, number>();
  for (const view of views) expected.set(view.user, (expected.get(view.user) ?? 0) + 1);
  assert.deepEqual(output.readKeyValuesToMap(), expected);
  assert.equal(expected.get('alice'), 20);
  assert.equal(expected.get('carol'), undefined);

  const store = driver.getKeyValueStore<string, number>(VIEWS_PER_USER_STORE);
  assert.equal(store.get('alice'), 20);
  assert.equal(store.get('bob'), 10);

  const repartition = driver.written('page-views-app-views-by-user-repartition');
  assert.equal(repartition.length, views.length);
  for (const record of repartition) {
    assert.equal(record.key?.toString(), JSON.parse(record.value!.toString()).user, 're-keyed by user');
  }
  // Each user lives in exactly one aggregation task (partition), as the repartition topic guarantees.
  const holders = driver
    .getStateStores(VIEWS_PER_USER_STORE)
    .map((s) => (s as unknown as { get(k: string): number | undefined }).get('alice'))
    .filter((v) => v !== undefined);
  assert.deepEqual(holders, [20]);
  driver.close();
});
