import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Windowed } from '../../src/dsl/windowed.ts';
import { Serdes } from '../../src/serdes/serdes.ts';
import { TopologyTestDriver } from '../../src/test-driver/topology-test-driver.ts';
import {
  buildWindowedPageViewsTopology,
  PAGE_VIEWS_TOPIC,
  VIEWS_PER_MINUTE_STORE,
  VIEWS_PER_MINUTE_TOPIC,
  windowedPageSerde,
} from './topology.ts';

const MINUTE = 60_000;
const T0 = 1_700_000_040_000; // a minute boundary

test('views are counted per page and minute; views later than a minute end + 10 s are dropped', () => {
  const driver = new TopologyTestDriver(buildWindowedPageViewsTopology(), { 'application.id': 'windowed-views' });
  const input = driver.createInputTopic(PAGE_VIEWS_TOPIC, Serdes.String(), Serdes.String());
  const output = driver.createOutputTopic(VIEWS_PER_MINUTE_TOPIC, windowedPageSerde, Serdes.Long());
  input.pipeInput('/home', 'alice', T0 + 1_000);
  input.pipeInput('/home', 'bob', T0 + 59_000);
  input.pipeInput('/cart', 'alice', T0 + 30_000);
  input.pipeInput('/home', 'carol', T0 + MINUTE + 5_000); // next minute; stream time T0 + 65 s
  input.pipeInput('/home', 'dave', T0 + 20_000); // 5 s after its minute ended: within the grace
  input.pipeInput('/cart', 'erin', T0 + MINUTE + 11_000); // stream time T0 + 71 s: the first minute is closed
  input.pipeInput('/home', 'frank', T0 + 40_000); // too late: dropped

  const latest = new Map<string, number>();
  for (const { key, value } of output.readKeyValuesToList()) latest.set(Windowed.toString(key), value);
  assert.deepEqual(
    latest,
    new Map([
      [`[/home@${T0}/${T0 + MINUTE}]`, 3],
      [`[/cart@${T0}/${T0 + MINUTE}]`, 1],
      [`[/home@${T0 + MINUTE}/${T0 + 2 * MINUTE}]`, 1],
      [`[/cart@${T0 + MINUTE}/${T0 + 2 * MINUTE}]`, 1],
    ]),
  );
  const store = driver.getWindowStore<string, number>(VIEWS_PER_MINUTE_STORE);
  assert.deepEqual(store.fetch('/home', T0, T0 + MINUTE), [
    { key: T0, value: 3 },
    { key: T0 + MINUTE, value: 1 },
  ]);
  driver.close();
});
