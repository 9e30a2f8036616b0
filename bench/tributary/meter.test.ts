import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Meter } from './meter.ts';

test('the meter resolves done at the expected count and reports the whole count', async () => {
  const meter = new Meter(1000);
  for (let i = 0; i < 999; i++) meter.record();
  assert.equal(meter.result('w').timedOut, true);
  meter.record();
  await meter.done;
  const result = meter.result('w');
  assert.equal(result.timedOut, false);
  assert.equal(result.processed, 1000);
  assert.ok(Number(result.recordsPerSec) > 0);
  assert.ok(Number(result.recordsPerSecSteady) > 0, 'the 10% and 90% marks were passed');
});

test('batches that jump over the 10%, 90% and last marks are counted like single records', async () => {
  const meter = new Meter(100);
  meter.recordMany(5);
  meter.recordMany(10);
  await new Promise((resolve) => setTimeout(resolve, 5));
  meter.recordMany(80);
  assert.equal(meter.result('w').timedOut, true);
  meter.recordMany(50);
  await meter.done;
  const result = meter.result('w');
  assert.equal(result.processed, 100, 'records beyond the expected count are not counted');
  assert.ok(Number(result.recordsPerSecSteady) > 0);
});

test('one batch that crosses both the 10% and the 90% mark gives no steady-state rate', async () => {
  const meter = new Meter(100);
  meter.recordMany(5);
  meter.recordMany(90);
  meter.recordMany(5);
  await meter.done;
  assert.equal(meter.result('w').recordsPerSecSteady, 0);
});

test('a run that never reached its count reports what it processed, as timed out', () => {
  const meter = new Meter(10);
  meter.record();
  meter.record();
  const result = meter.result('w');
  assert.equal(result.timedOut, true);
  assert.equal(result.processed, 2);
});

test('the output-complete mark gives a rate to output that is not higher than the processing rate', async () => {
  const meter = new Meter(3);
  meter.record();
  meter.record();
  meter.record();
  await meter.done;
  // Timers may fire a little before their delay on the monotonic clock: measure the wait on that clock.
  const waitStart = process.hrtime.bigint();
  await new Promise((resolve) => setTimeout(resolve, 20));
  const waitedMs = Number(process.hrtime.bigint() - waitStart) / 1e6;
  meter.markOutputComplete();
  const result = meter.result('w');
  assert.ok(Number(result.outputCompleteMs) >= waitedMs, `${result.outputCompleteMs} < ${waitedMs}`);
  assert.ok(Number(result.recordsPerSecToOutput) <= Number(result.recordsPerSec));
});
