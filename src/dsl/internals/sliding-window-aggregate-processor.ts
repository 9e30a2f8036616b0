/**
 * Sliding-window aggregation (Java's `KStreamSlidingWindowAggregate`). Windows of `timeDifference` ms exist
 * only around records: each record has a left window `[t - d, t]` ending at it and a right window
 * `[t + 1, t + 1 + d]` starting just after it (created once a later record falls in it). A record updates every
 * existing window of its key that contains it, and creates its own left and right windows (and the right window
 * of the record before it) from the aggregates of neighbouring windows, so every distinct set of records no more
 * than `d` apart is aggregated exactly once. Records earlier than `d` (whose left window would start before 0)
 * go into the window `[0, d]`, as in Java.
 */
import type { Record } from '../../processor/record.ts';
import type { ValueAndTimestamp } from '../../state/key-value-store.ts';
import type { SlidingWindows } from '../sliding-windows.ts';
import type { TableSpec } from './table-processors.ts';
import { AbstractTimeWindowAggregateProcessor, NO_TIMESTAMP } from './time-window-aggregate-processor.ts';

export class SlidingWindowAggregateProcessor<K, V, VAgg> extends AbstractTimeWindowAggregateProcessor<K, V, VAgg> {
  private readonly timeDifference: number;
  private readonly graceMs: number;
  private readonly initializer: () => VAgg;
  private readonly aggregator: (key: K, value: V, aggregate: VAgg) => VAgg;

  constructor(
    spec: TableSpec,
    emitOnClose: boolean,
    windows: SlidingWindows,
    initializer: () => VAgg,
    aggregator: (key: K, value: V, aggregate: VAgg) => VAgg,
  ) {
    super(spec, emitOnClose);
    this.timeDifference = windows.timeDifferenceMs();
    this.graceMs = windows.gracePeriodMs();
    this.initializer = initializer;
    this.aggregator = aggregator;
  }

  process(record: Record<K, V>): void {
    // Sliding windows drop null keys and null values (unlike tumbling and hopping windows), as in Java.
    if (record.key === null || record.key === undefined || record.value === null || record.value === undefined) return;
    const timestamp = record.timestamp;
    this.updateObservedStreamTime(timestamp);
    const windowCloseTime = this.observedStreamTime - this.graceMs;
    if (timestamp + this.timeDifference < windowCloseTime) return; // its left window closed: dropped
    if (timestamp < this.timeDifference) this.processEarly(record, windowCloseTime);
    else this.processReverse(record, windowCloseTime);
    this.maybeForwardFinalResult(record, windowCloseTime);
  }

  /** Walks the key's windows from the newest back (Java's processReverse, over a store that iterates backwards). */
  private processReverse(record: Record<K, V>, windowCloseTime: number): void {
    const timestamp = record.timestamp;
    const d = this.timeDifference;
    const windowStartTimes = new Set<number>();
    let leftWinAgg: ValueAndTimestamp<VAgg> | undefined;
    let rightWinAgg: ValueAndTimestamp<VAgg> | undefined;
    let leftWinAlreadyCreated = false;
    let rightWinAlreadyCreated = false;
    let previousRecordTimestamp: number | undefined;

    const windows = this.store.backwardFetchWithTimestamps(
      record.key,
      record.key,
      Math.max(0, timestamp - 2 * d),
      timestamp + 1,
    );
    for (const { key, value } of windows) {
      const startTime = key.window.start;
      windowStartTimes.add(startTime);
      const endTime = startTime + d;
      const windowMaxRecordTimestamp = value.timestamp;
      if (startTime === timestamp + 1) {
        rightWinAlreadyCreated = true;
      } else if (endTime > timestamp) {
        if (rightWinAgg === undefined) rightWinAgg = value;
        this.updateWindowAndForward(startTime, value, record, windowCloseTime);
      } else if (endTime === timestamp) {
        leftWinAlreadyCreated = true;
        this.updateWindowAndForward(startTime, value, record, windowCloseTime);
        if (windowMaxRecordTimestamp < timestamp) previousRecordTimestamp = windowMaxRecordTimestamp;
        else return;
      } else {
        // endTime < timestamp: the newest window before this record holds the records of its left window.
        leftWinAgg = value;
        previousRecordTimestamp = windowMaxRecordTimestamp;
        break;
      }
    }
    this.createWindows(
      record,
      windowCloseTime,
      windowStartTimes,
      rightWinAgg,
      leftWinAgg,
      leftWinAlreadyCreated,
      rightWinAlreadyCreated,
      previousRecordTimestamp,
    );
  }

  /** A record at `0 <= t < d`: its left window would start before 0, so it is aggregated into `[0, d]`. */
  private processEarly(record: Record<K, V>, windowCloseTime: number): void {
    const timestamp = record.timestamp;
    let combinedWindow: ValueAndTimestamp<VAgg> | undefined;
    let rightWinAgg: ValueAndTimestamp<VAgg> | undefined;
    let rightWinAlreadyCreated = false;
    const windowStartTimes = new Set<number>();
    let previousRecordTimestamp: number | undefined;

    for (const { key, value } of this.store.fetchWithTimestamps(record.key, record.key, 0, timestamp + 1)) {
      const startTime = key.window.start;
      windowStartTimes.add(startTime);
      if (startTime === 0) {
        combinedWindow = value;
        if (value.timestamp < timestamp) previousRecordTimestamp = value.timestamp;
      } else if (startTime <= timestamp) {
        rightWinAgg = value;
        this.updateWindowAndForward(startTime, value, record, windowCloseTime);
      } else if (startTime === timestamp + 1) {
        rightWinAlreadyCreated = true;
      } else {
        throw new Error(`unexpected sliding window starting at ${startTime} for a record at ${timestamp}`);
      }
    }
    if (rightWinAgg === undefined && combinedWindow !== undefined && combinedWindow.timestamp > timestamp)
      rightWinAgg = combinedWindow;
    if (!rightWinAlreadyCreated && this.rightWindowIsNotEmpty(rightWinAgg, timestamp))
      this.createCurrentRecordRightWindow(timestamp, rightWinAgg!, record);
    if (previousRecordTimestamp !== undefined && !windowStartTimes.has(previousRecordTimestamp + 1))
      this.createPreviousRecordRightWindow(previousRecordTimestamp + 1, record, windowCloseTime);
    if (combinedWindow === undefined)
      this.updateWindowAndForward(0, { value: this.initializer(), timestamp }, record, windowCloseTime);
    else this.updateWindowAndForward(0, combinedWindow, record, windowCloseTime);
  }

  private createWindows(
    record: Record<K, V>,
    closeTime: number,
    windowStartTimes: Set<number>,
    rightWinAgg: ValueAndTimestamp<VAgg> | undefined,
    leftWinAgg: ValueAndTimestamp<VAgg> | undefined,
    leftWinAlreadyCreated: boolean,
    rightWinAlreadyCreated: boolean,
    previousRecordTimestamp: number | undefined,
  ): void {
    const timestamp = record.timestamp;
    const d = this.timeDifference;
    if (previousRecordTimestamp !== undefined) {
      const previousRightWinStart = previousRecordTimestamp + 1;
      if (!windowStartTimes.has(previousRightWinStart) && previousRightWinStart + d >= timestamp)
        this.createPreviousRecordRightWindow(previousRightWinStart, record, closeTime);
    }
    if (!leftWinAlreadyCreated) {
      const leftNotEmpty = previousRecordTimestamp !== undefined && timestamp - d <= previousRecordTimestamp;
      const valueAndTime: ValueAndTimestamp<VAgg> = leftNotEmpty
        ? { value: leftWinAgg!.value, timestamp }
        : { value: this.initializer(), timestamp };
      this.updateWindowAndForward(timestamp - d, valueAndTime, record, closeTime);
    }
    if (!rightWinAlreadyCreated && this.rightWindowIsNotEmpty(rightWinAgg, timestamp))
      this.createCurrentRecordRightWindow(timestamp, rightWinAgg!, record);
  }

  /** The window right after the record holds the later records of the window it was in (not this record). */
  private createCurrentRecordRightWindow(
    timestamp: number,
    rightWinAgg: ValueAndTimestamp<VAgg>,
    record: Record<K, V>,
  ) {
    const start = timestamp + 1;
    this.store.putWithTimestamp(record.key, rightWinAgg.value, start, rightWinAgg.timestamp);
    this.forwardUpdate(record, start, start + this.timeDifference, null, rightWinAgg.value, rightWinAgg.timestamp);
  }

  private createPreviousRecordRightWindow(start: number, record: Record<K, V>, closeTime: number): void {
    this.updateWindowAndForward(start, { value: this.initializer(), timestamp: record.timestamp }, record, closeTime);
  }

  private rightWindowIsNotEmpty(rightWinAgg: ValueAndTimestamp<VAgg> | undefined, timestamp: number): boolean {
    return rightWinAgg !== undefined && rightWinAgg.timestamp > timestamp;
  }

  private updateWindowAndForward(
    start: number,
    valueAndTime: ValueAndTimestamp<VAgg>,
    record: Record<K, V>,
    windowCloseTime: number,
  ): void {
    const end = start + this.timeDifference;
    if (end < windowCloseTime) return; // closed: dropped for this window
    const oldAgg = valueAndTime.value;
    const newAgg = this.aggregator(record.key, record.value, oldAgg);
    const newTimestamp =
      oldAgg === null || oldAgg === undefined ? record.timestamp : Math.max(record.timestamp, valueAndTime.timestamp);
    this.store.putWithTimestamp(record.key, newAgg, start, newTimestamp);
    this.forwardUpdate(record, start, end, oldAgg, newAgg, newTimestamp);
  }

  protected emitRangeLowerBound(): number {
    return this.lastEmitWindowCloseTime === NO_TIMESTAMP
      ? 0
      : Math.max(0, this.lastEmitWindowCloseTime - this.timeDifference);
  }

  protected emitRangeUpperBound(windowCloseTime: number): number {
    return windowCloseTime - this.timeDifference - 1;
  }

  protected shouldRangeFetch(): boolean {
    return true;
  }
}
