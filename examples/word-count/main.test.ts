/**
 * `npm start` (examples/word-count/main.ts) runs as a user runs it: a child process on the embedded broker. It must
 * exit 0 and print the counts of its four input lines. (Its real-Kafka run is in word-count.broker.test.ts, which
 * owns the example's fixed topic names on the test broker: tests in one file never run at the same time.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countsIn, EXPECTED_DEMO_COUNTS, runMain } from './demo-run.ts';

test('npm start counts the demo words on the embedded broker and exits 0', () => {
  const { KAFKA: _ignored, ...env } = process.env;
  const stdout = runMain(env);
  const counts = countsIn(stdout);
  for (const [word, n] of Object.entries(EXPECTED_DEMO_COUNTS)) assert.equal(counts.get(word), n, `count of "${word}"`);
  // Its QueryServer answered the interactive query for "kafka" from the running store.
  const answer = /^query server: GET \/stores\/counts-store\/keys\/kafka -> 200 (.*)$/m.exec(stdout);
  assert.ok(answer, `no query server answer in:\n${stdout}`);
  assert.equal(JSON.parse(answer[1]).value, EXPECTED_DEMO_COUNTS.kafka);
  // Its dashboard served the snapshot of the running app: 2 partitions x 2 sub-topologies = 4 tasks.
  assert.match(stdout, /^dashboard: http:\/\/127\.0\.0\.1:\d+\/ \(state RUNNING, 4 tasks\)$/m);
});
