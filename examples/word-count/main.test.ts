/**
 * `npm start` (examples/word-count/main.ts) runs as a user runs it: a child process on the embedded broker, and
 * again on real Kafka when the test run has one. It must exit 0 and print the counts of its four input lines.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

// Counted by hand from main.ts's four lines (lower-cased words).
const EXPECTED = { the: 4, streams: 3, kafka: 3, sea: 2, flow: 1, thither: 1 };

function runMain(env: NodeJS.ProcessEnv): string {
  const run = spawnSync(process.execPath, [MAIN], { env, encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.status, 0, `npm start exited with ${run.status} (signal ${run.signal}):\n${run.stderr}`);
  return run.stdout;
}

function countsIn(stdout: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const match of stdout.matchAll(/^ {2}(\S+)\s+(\d+)$/gm)) counts.set(match[1], Number(match[2]));
  return counts;
}

test('npm start counts the demo words on the embedded broker and exits 0', () => {
  const { KAFKA: _ignored, ...env } = process.env;
  const counts = countsIn(runMain(env));
  for (const [word, n] of Object.entries(EXPECTED)) assert.equal(counts.get(word), n, `count of "${word}"`);
});

test('npm start with KAFKA set runs the same demo on real Kafka', (t) => {
  const kafka = process.env.TRIBUTARY_TEST_KAFKA;
  if (!kafka) return t.skip('no TRIBUTARY_TEST_KAFKA');
  const counts = countsIn(runMain({ ...process.env, KAFKA: kafka }));
  // The demo's topics may already hold an earlier run's lines on a shared broker: counts are at least these.
  for (const [word, n] of Object.entries(EXPECTED)) assert.ok((counts.get(word) ?? 0) >= n, `count of "${word}"`);
});
