/**
 * Sliding windows (Java's `SlidingWindows`): windows of `timeDifference` ms that exist only where records
 * are, one ending at each record and one starting just after it, so each window holds a distinct set of
 * records no more than `timeDifference` apart. A window covers `[start, start + timeDifference]` (both ends
 * inclusive). Records whose window ended more than `grace` ms before stream time are dropped. Milliseconds.
 */

function checkMillis(what: string, value: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value))
    throw new TypeError(`SlidingWindows: ${what} must be an integer number of milliseconds, got ${String(value)}`);
  return value;
}

export class SlidingWindows {
  private readonly timeDifference: number;
  private readonly graceMs: number;

  private constructor(timeDifferenceMs: number, graceMs: number) {
    if (timeDifferenceMs < 0) throw new RangeError('Window time difference must not be negative.');
    if (graceMs < 0) throw new RangeError('Window grace period must not be negative.');
    this.timeDifference = timeDifferenceMs;
    this.graceMs = graceMs;
  }

  /** Windows of records at most `timeDifferenceMs` apart; late records are dropped. */
  static ofTimeDifferenceWithNoGrace(timeDifferenceMs: number): SlidingWindows {
    return SlidingWindows.ofTimeDifferenceAndGrace(timeDifferenceMs, 0);
  }

  /** Windows of records at most `timeDifferenceMs` apart, accepting records up to `afterWindowEndMs` late. */
  static ofTimeDifferenceAndGrace(timeDifferenceMs: number, afterWindowEndMs: number): SlidingWindows {
    return new SlidingWindows(
      checkMillis('timeDifference', timeDifferenceMs),
      checkMillis('afterWindowEnd', afterWindowEndMs),
    );
  }

  timeDifferenceMs(): number {
    return this.timeDifference;
  }

  gracePeriodMs(): number {
    return this.graceMs;
  }

  toString(): string {
    return `SlidingWindows{, sizeMs=${this.timeDifference}, graceMs=${this.graceMs}}`;
  }
}
