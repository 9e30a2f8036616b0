import assert from 'node:assert/strict';
import { test } from 'node:test';
import { median, renderTable, repeatedSideResult } from './report.ts';

const run = (recordsPerSec: number, cpuSecondsWindow: number, peakRssBytes: number, extra = {}) => ({
  processed: 1_000_000,
  expected: 1_000_000,
  timedOut: false,
  recordsPerSec,
  cpuSecondsWindow,
  peakRssBytes,
  recordsPerSecSteady: recordsPerSec * 1.1,
  ...extra,
});

test('median of an odd count is the middle value, of an even count the mean of the two middle values', () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
});

test('repeated runs give each column its median, the rate range, and the median-rate run as raw', () => {
  const side = repeatedSideResult(
    [run(300, 2, 100 * 2 ** 20), run(100, 4, 300 * 2 ** 20), run(200, 1, 200 * 2 ** 20)],
    '',
  );
  assert.ok(!('na' in side));
  assert.equal(side.recordsPerSec, 200);
  assert.equal(side.recordsPerSecMin, 100);
  assert.equal(side.recordsPerSecMax, 300);
  assert.equal(side.cpuSecondsPerMillion, 2);
  assert.equal(side.peakRssBytes, 200 * 2 ** 20);
  assert.equal(side.runs, 3);
  assert.equal(side.raw.recordsPerSec, 200);
  assert.equal(side.allRuns?.length, 3);
});

test('one timed-out run marks the repeated cell as timed out; no runs leave the reason', () => {
  const side = repeatedSideResult([run(300, 2, 1), run(100, 4, 1, { timedOut: true })], '');
  assert.ok(!('na' in side) && side.timedOut);
  assert.deepEqual(repeatedSideResult([], 'n/a (not built)'), { na: 'n/a (not built)' });
});

test('the table shows median and min–max rates when cells were repeated', () => {
  const table = renderTable([
    {
      workload: 'count',
      input: 'x',
      tributary: repeatedSideResult([run(1_500_000, 1, 1), run(2_500_000, 1, 1), run(2_000_000, 1, 1)], ''),
      kafkaStreams: repeatedSideResult([run(100_000, 1, 1), run(300_000, 1, 1), run(200_000, 1, 1)], ''),
    },
  ]);
  assert.match(table, /rec\/s, median \(min–max\)/);
  assert.match(table, /\| 2,000,000 \(1\.50M–2\.50M\) \| 200,000 \(100k–300k\) \| 10\.00× \|/);
});
