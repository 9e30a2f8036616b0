/**
 * Session windows (Java's `SessionWindows`): a session of a key lasts while its records arrive less than
 * `inactivityGap` ms apart; a record within the gap of several sessions merges them into one. Sessions cover
 * `[first record time, last record time]`, both inclusive. A record is late (and dropped) when the session it
 * would land in ended more than gap + grace before stream time. Durations are milliseconds.
 */

function checkMillis(what: string, value: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new TypeError(`SessionWindows: ${what} must be an integer number of milliseconds, got ${String(value)}`);
  }
  return value;
}

export class SessionWindows {
  private readonly gapMs: number;
  private readonly graceMs: number;

  private constructor(gapMs: number, graceMs: number) {
    if (gapMs <= 0) throw new RangeError(`SessionWindows: the inactivity gap must be positive, got ${gapMs} ms`);
    if (graceMs < 0) throw new RangeError(`SessionWindows: the grace period must not be negative, got ${graceMs} ms`);
    this.gapMs = gapMs;
    this.graceMs = graceMs;
  }

  /** Sessions closed by `inactivityGapMs` of inactivity, with no grace for late records. */
  static ofInactivityGapWithNoGrace(inactivityGapMs: number): SessionWindows {
    return new SessionWindows(checkMillis('the inactivity gap', inactivityGapMs), 0);
  }

  /** Sessions closed by `inactivityGapMs` of inactivity, accepting records up to `graceMs` late. */
  static ofInactivityGapAndGrace(inactivityGapMs: number, graceMs: number): SessionWindows {
    return new SessionWindows(
      checkMillis('the inactivity gap', inactivityGapMs),
      checkMillis('the grace period', graceMs),
    );
  }

  /** The inactivity gap in ms. */
  inactivityGap(): number {
    return this.gapMs;
  }

  /** The grace period in ms. */
  gracePeriodMs(): number {
    return this.graceMs;
  }

  toString(): string {
    return `SessionWindows{gapMs=${this.gapMs}, graceMs=${this.graceMs}}`;
  }
}
