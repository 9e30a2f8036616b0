/**
 * How far apart in time two records of a stream-stream join may be (Java's `JoinWindows`): a record at time t
 * joins the other side's records in `[t - before, t + after]`. Records arriving later than the grace period
 * after a window closes are dropped; a left/outer join emits a record without a match once its window has
 * closed (never early). Times are in milliseconds.
 */

function checkMillis(what: string, value: number): number {
  if (!Number.isSafeInteger(value))
    throw new RangeError(`JoinWindows: ${what} must be an integer number of milliseconds, got ${value}`);
  return value;
}

export class JoinWindows {
  /** How much earlier a record of the other side may be. */
  readonly beforeMs: number;
  /** How much later a record of the other side may be. */
  readonly afterMs: number;
  private readonly graceMs: number;

  private constructor(beforeMs: number, afterMs: number, graceMs: number) {
    if (beforeMs + afterMs < 0) throw new RangeError('Window interval (ie, beforeMs+afterMs) must not be negative.');
    if (graceMs < 0) throw new RangeError('Grace period must not be negative.');
    this.beforeMs = beforeMs;
    this.afterMs = afterMs;
    this.graceMs = graceMs;
  }

  /** Records join when their timestamps differ by at most `timeDifferenceMs`; late records are accepted for `graceMs`. */
  static ofTimeDifferenceAndGrace(timeDifferenceMs: number, graceMs: number): JoinWindows {
    const difference = checkMillis('timeDifference', timeDifferenceMs);
    const grace = checkMillis('afterWindowEnd', graceMs);
    if (difference < 0) throw new RangeError(`JoinWindows: timeDifference must not be negative, got ${difference}`);
    return new JoinWindows(difference, difference, grace);
  }

  /** Records join when their timestamps differ by at most `timeDifferenceMs`; no grace for late records. */
  static ofTimeDifferenceWithNoGrace(timeDifferenceMs: number): JoinWindows {
    return JoinWindows.ofTimeDifferenceAndGrace(timeDifferenceMs, 0);
  }

  /** The same windows, with records of the other side up to `timeDifferenceMs` earlier joining. */
  before(timeDifferenceMs: number): JoinWindows {
    return new JoinWindows(checkMillis('timeDifference', timeDifferenceMs), this.afterMs, this.graceMs);
  }

  /** The same windows, with records of the other side up to `timeDifferenceMs` later joining. */
  after(timeDifferenceMs: number): JoinWindows {
    return new JoinWindows(this.beforeMs, checkMillis('timeDifference', timeDifferenceMs), this.graceMs);
  }

  /** The window's size: `before + after`. */
  size(): number {
    return this.beforeMs + this.afterMs;
  }

  gracePeriodMs(): number {
    return this.graceMs;
  }

  toString(): string {
    return `JoinWindows{beforeMs=${this.beforeMs}, afterMs=${this.afterMs}, graceMs=${this.graceMs}}`;
  }
}
