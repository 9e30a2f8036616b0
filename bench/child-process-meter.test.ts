import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runMeasuredChild } from './child-process-meter.ts';

test('a measured child yields its last JSON line, its exit code and its sampled peak RSS', async () => {
  // Holds ~64 MiB for a while so that the parent's 200 ms sampler sees it.
  const script = `
    const b = Buffer.alloc(64 * 1024 * 1024, 1);
    console.log('not json');
    console.log(JSON.stringify({ first: true }));
    setTimeout(() => { console.log(JSON.stringify({ last: b[0] })); }, 600);
  `;
  const run = await runMeasuredChild(process.execPath, ['-e', script], { timeoutMs: 10_000 });
  assert.equal(run.exitCode, 0);
  assert.deepEqual(run.result, { last: 1 });
  assert.ok(run.sampledPeakRssBytes > 64 * 1024 * 1024, `sampled ${run.sampledPeakRssBytes}`);
});

test('a child that runs past its time limit is killed and reports no result', async () => {
  const run = await runMeasuredChild(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { timeoutMs: 300 });
  assert.equal(run.result, undefined);
  assert.notEqual(run.exitCode, 0);
  assert.ok(run.wallMs < 5_000);
});
