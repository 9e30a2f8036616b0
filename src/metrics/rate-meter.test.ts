import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RateMeter } from './rate-meter.ts';

describe('RateMeter', () => {
  it('gives the growth per second since the counter started, then over the last 30 s of reads (from the last sample before them)', () => {
    const meter = new RateMeter();
    assert.equal(meter.rate('k', 100, 0, 10_000), 10); // 100 in 10 s since start
    assert.equal(meter.rate('k', 400, 0, 20_000), 20); // 400 in 20 s, still within the window
    // The window (15–45 s) is measured from the last sample before it (10 s): +300 over 35 s.
    assert.equal(meter.rate('k', 400, 0, 45_000), 300 / 35);
    assert.equal(meter.rate('k', 1_400, 0, 55_000), 1_000 / 35); // window 25–55 s: +1000 since the sample at 20 s
  });

  it('averages an amount per event over the window, and forgets counters no longer live', () => {
    const meter = new RateMeter();
    assert.equal(meter.average('lat', 30, 3, 0, 1_000), 10);
    assert.equal(meter.average('lat', 30, 3, 0, 2_000), 10);
    assert.equal(meter.average('idle', 0, 0, 0, 1_000), 0);
    meter.retain((key) => key.startsWith('idle'));
    // Forgotten: counted again from the given start.
    assert.equal(meter.rate('lat#sum', 30, 1_000, 2_000), 30);
  });
});
