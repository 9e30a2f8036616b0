/**
 * Session-windowed aggregations on Tributary's TopologyTestDriver, beyond the Kafka Streams parity cases of
 * session-windows.java.test.ts: store contents and retention, serdes, and the checks on bad arguments.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Serdes } from '../serdes/serdes.ts';
import { sessionWindowedSerdeFrom } from '../serdes/session-windowed-serde.ts';
import type { SessionStore } from '../state/session-store.ts';
import { TopologyTestDriver } from '../test-driver/topology-test-driver.ts';
import { Materialized } from './materialized.ts';
import { SessionWindows } from './session-windows.ts';
import { StreamsBuilder } from './streams-builder.ts';
import { Windowed } from './windowed.ts';

test('a named session store holds one aggregate per session; merged sessions are gone from it', () => {
  const b = new StreamsBuilder();
  b.stream('clicks')
    .groupByKey({ keySerde: Serdes.String(), valueSerde: Serdes.String() })
    .windowedBy(SessionWindows.ofInactivityGapAndGrace(10, 20))
    .aggregate(
      () => '',
      (_user, page, pages) => pages + page,
      (_user, left, right) => left + right,
      Materialized.as<string, string>('pages').withValueSerde(Serdes.String()),
    );
  const driver = new TopologyTestDriver(b.build(), { 'application.id': 'sessions' });
  const clicks = driver.createInputTopic('clicks', Serdes.String(), Serdes.String());
  clicks.pipeInput('ann', 'a', 0);
  clicks.pipeInput('ann', 'c', 20);
  clicks.pipeInput('bob', 'x', 5);
  clicks.pipeInput('ann', 'b', 10); // within the gap of both: one session [0, 20]
  const stores = driver.getStateStores('pages') as unknown as SessionStore<string, string>[];
  const sessions = stores.flatMap((s) => s.fetch('ann')).map((kv) => `${Windowed.toString(kv.key)}=${kv.value}`);
  assert.deepEqual(sessions, ['[ann@0/20]=acb']);
  assert.equal(stores[0]!.fetchSession('bob', 5, 5), 'x');
  driver.close();
});

test('count counts records with null values (only null keys are skipped), as Java does', () => {
  const b = new StreamsBuilder();
  b.stream('in')
    .groupByKey({ keySerde: Serdes.String(), valueSerde: Serdes.String() })
    .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(10))
    .count()
    .toStream()
    .to('out', { keySerde: sessionWindowedSerdeFrom(Serdes.String()), valueSerde: Serdes.Long() });
  const driver = new TopologyTestDriver(b.build(), { 'application.id': 'sessions' });
  const input = driver.createInputTopic('in', Serdes.String(), Serdes.String());
  input.pipeInput('k', null as unknown as string, 1);
  input.pipeInput(null as unknown as string, 'v', 2);
  input.pipeInput('k', 'v', 3);
  const output = driver.createOutputTopic('out', sessionWindowedSerdeFrom(Serdes.String()), Serdes.Long());
  assert.deepEqual(
    output.readRecordsToList().map((r) => `${Windowed.toString(r.key)}=${r.value}@${r.timestamp}`),
    ['[k@1/1]=1@1', '[k@1/1]=null@1', '[k@1/3]=2@3'],
  );
  driver.close();
});

test('without serdes upstream, the windowed key serde wraps default.key.serde', () => {
  const b = new StreamsBuilder();
  b.stream('in')
    .groupByKey()
    .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(10))
    .reduce((a, v) => a + v)
    .toStream()
    .to('out');
  const driver = new TopologyTestDriver(b.build(), {
    'application.id': 'sessions',
    'default.key.serde': Serdes.String(),
    'default.value.serde': Serdes.String(),
  });
  driver.createInputTopic('in', Serdes.String(), Serdes.String()).pipeInput('k', 'v', 7);
  const written = driver.written('out');
  assert.equal(written.length, 1);
  // Java's SessionWindowedSerializer layout: [key][end 8][start 8]
  assert.deepEqual(
    written[0]!.key,
    Buffer.concat([Buffer.from('k'), Buffer.from([0, 0, 0, 0, 0, 0, 0, 7]), Buffer.from([0, 0, 0, 0, 0, 0, 0, 7])]),
  );
  driver.close();
});

test('bad session arguments fail at once, naming the problem', () => {
  assert.throws(() => SessionWindows.ofInactivityGapWithNoGrace(0), /inactivity gap must be positive/);
  assert.throws(() => SessionWindows.ofInactivityGapAndGrace(10, -1), /grace period must not be negative/);
  assert.throws(() => SessionWindows.ofInactivityGapWithNoGrace(1.5), /integer number of milliseconds/);
  const b = new StreamsBuilder();
  const sessions = b.stream('in').groupByKey().windowedBy(SessionWindows.ofInactivityGapAndGrace(100, 50));
  assert.throws(
    () => sessions.count(Materialized.as<string, number>('short').withRetention(120)),
    /retention period of the session store short must be no smaller than the session inactivity gap plus the grace period. Got gap=\[100\], grace=\[50\], retention=\[120\]/,
  );
  assert.throws(() => sessions.aggregate(() => 0, undefined as never, undefined as never), /session merger/);
});
