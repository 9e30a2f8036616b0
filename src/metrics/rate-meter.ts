/**
 * Turns monotonically growing counters into per-second rates when metrics are read, so that the hot path only
 * increments counters (no timestamps, objects or closures per record). Like Java's Rate over a 30 s window of
 * samples: each read stores a sample per counter, and the rate is the growth since the oldest sample of the
 * window (or since the counter started, before there is one).
 */
const WINDOW_MS = 30_000;

interface Sample {
  readonly atMs: number;
  readonly value: number;
}

export class RateMeter {
  readonly #samples = new Map<string, Sample[]>();

  /** Per-second growth of `value` (a counter identified by `key`, started at `startMs` from 0). */
  rate(key: string, value: number, startMs: number, nowMs: number = Date.now()): number {
    let samples = this.#samples.get(key);
    if (samples === undefined) {
      samples = [{ atMs: startMs, value: 0 }];
      this.#samples.set(key, samples);
    }
    // Keep one sample older than the window, so a window always has a base to measure from.
    while (samples.length > 1 && samples[1].atMs <= nowMs - WINDOW_MS) samples.shift();
    const base = samples[0];
    const last = samples[samples.length - 1];
    // A sample per second at most: many reads in a burst (a dashboard and a scrape) keep the history short.
    if (nowMs - last.atMs >= 1_000) samples.push({ atMs: nowMs, value });
    const elapsedMs = nowMs - base.atMs;
    return elapsedMs <= 0 ? 0 : ((value - base.value) * 1_000) / elapsedMs;
  }

  /** Average of an amount per event over the window (e.g. commit latency): growth of `sum` / growth of `count`. */
  average(key: string, sum: number, count: number, startMs: number, nowMs: number = Date.now()): number {
    const sumRate = this.rate(`${key}#sum`, sum, startMs, nowMs);
    const countRate = this.rate(`${key}#count`, count, startMs, nowMs);
    return countRate === 0 ? 0 : sumRate / countRate;
  }

  /** Forgets counters whose owner is gone (a closed task), so the map does not grow with rebalances. */
  retain(isLive: (key: string) => boolean): void {
    for (const key of this.#samples.keys()) if (!isLive(key)) this.#samples.delete(key);
  }
}
