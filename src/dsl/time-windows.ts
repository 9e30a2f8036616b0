/**
 * Fixed-size time windows (Java's `TimeWindows`), aligned to the epoch: tumbling when they advance by their
 * size (each record falls in exactly one window), hopping when they advance by less (a record falls in
 * size/advance windows). A window covers `[start, start + size)`. A record is late, and dropped, when its
 * window ended more than `grace` ms before the stream time its aggregation has seen. Durations are milliseconds.
 */
import type { Window } from './windowed.ts';

function checkMillis(what: string, value: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value))
    throw new TypeError(`TimeWindows: ${what} must be an integer number of milliseconds, got ${String(value)}`);
  return value;
}

export class TimeWindows {
  readonly sizeMs: number;
  readonly advanceMs: number;
  private readonly graceMs: number;

  private constructor(sizeMs: number, advanceMs: number, graceMs: number) {
    if (sizeMs <= 0) throw new RangeError('Window size (sizeMs) must be larger than zero.');
    if (advanceMs <= 0 || advanceMs > sizeMs)
      throw new RangeError(
        `Window advancement interval should be more than zero and less than window duration which is ${sizeMs} ms, but given advancement interval is: ${advanceMs} ms`,
      );
    if (graceMs < 0) throw new RangeError('Grace period must not be negative.');
    this.sizeMs = sizeMs;
    this.advanceMs = advanceMs;
    this.graceMs = graceMs;
  }

  /** Tumbling windows of `sizeMs`; records arriving after their window ended are dropped. */
  static ofSizeWithNoGrace(sizeMs: number): TimeWindows {
    return TimeWindows.ofSizeAndGrace(sizeMs, 0);
  }

  /** Tumbling windows of `sizeMs` that accept records up to `afterWindowEndMs` after they end. */
  static ofSizeAndGrace(sizeMs: number, afterWindowEndMs: number): TimeWindows {
    const size = checkMillis('size', sizeMs);
    return new TimeWindows(size, size, checkMillis('afterWindowEnd', afterWindowEndMs));
  }

  /** The same windows, hopping: a new one starts every `advanceMs` (0 < advance <= size). */
  advanceBy(advanceMs: number): TimeWindows {
    return new TimeWindows(this.sizeMs, checkMillis('advance', advanceMs), this.graceMs);
  }

  /** The windows `timestamp` falls in, by start time, oldest first (Java's `windowsFor`). */
  windowsFor(timestamp: number): Map<number, Window> {
    const windows = new Map<number, Window>();
    for (let start = this.firstWindowStart(timestamp); start <= timestamp; start += this.advanceMs)
      windows.set(start, { start, end: start + this.sizeMs });
    return windows;
  }

  /** The start of the oldest window holding `timestamp` (windows never start before 0). */
  firstWindowStart(timestamp: number): number {
    return Math.floor(Math.max(0, timestamp - this.sizeMs + this.advanceMs) / this.advanceMs) * this.advanceMs;
  }

  size(): number {
    return this.sizeMs;
  }

  gracePeriodMs(): number {
    return this.graceMs;
  }

  toString(): string {
    return `TimeWindows{, sizeMs=${this.sizeMs}, advanceMs=${this.advanceMs}, graceMs=${this.graceMs}}`;
  }
}
