/**
 * Stream-stream joins (Java's `KStreamJoinWindow`, `KStreamKStreamJoin{Left,Right}Side` and the shared
 * `TimeTracker`). Each side first passes through a "windowed" processor that remembers its records in its
 * window store (retaining duplicates); then its join processor looks up the other side's store for records
 * of the same key within the join window and forwards one result per match, stamped with the later timestamp.
 *
 * Left/outer joins emit a record without a match only once its window has closed (plus grace): until then it
 * waits in the shared outer-join store, and a later match removes it. Both sides share the stream time (the
 * largest timestamp either has seen in the task), as in Kafka Streams ≥ 3.1.
 */
import type { Processor } from '../../processor/processor.ts';
import type { ProcessorContext } from '../../processor/processor-context.ts';
import type { Record } from '../../processor/record.ts';
import type { KeyValueStore } from '../../state/key-value-store.ts';
import type { WindowStore } from '../../state/window-store.ts';
import type { JoinWindows } from '../join-windows.ts';
import type { ValueJoiner } from '../value-joiner.ts';
import type { LeftOrRightValue, TimestampedKeyAndJoinSide } from './outer-join-store.ts';

type Ctx = ProcessorContext<unknown, unknown>;

/** Java's internal config throttling how often (wall-clock ms) the outer-join store is scanned. */
export const EMIT_INTERVAL_CONFIG = '__emit.interval.ms.kstreams.outer.join.spurious.results.fix__';

/** Java's `ConsumerRecord.NO_TIMESTAMP`. */
const NO_TIMESTAMP = -1;

/** The stream time and the oldest waiting record, shared by both join processors of a task. */
class TimeTracker {
  emitIntervalMs = 1000;
  streamTime = NO_TIMESTAMP;
  minTime = Number.MAX_SAFE_INTEGER;
  nextTimeToEmit = 0;
  advanceStreamTime(timestamp: number): void {
    if (timestamp > this.streamTime) this.streamTime = timestamp;
  }
  updatedMinTime(timestamp: number): void {
    if (timestamp < this.minTime) this.minTime = timestamp;
  }
}

/** One TimeTracker per task for the two processors of one join. */
export class TimeTrackerSupplier {
  private readonly trackers = new Map<string, TimeTracker>();
  get(taskId: string): TimeTracker {
    let tracker = this.trackers.get(taskId);
    if (tracker === undefined) {
      tracker = new TimeTracker();
      this.trackers.set(taskId, tracker);
    }
    return tracker;
  }
  remove(taskId: string): void {
    this.trackers.delete(taskId);
  }
}

/** Forwards each record, then remembers it (non-null key) in this side's window store. */
export class KStreamJoinWindowProcessor<K, V> implements Processor<K, V, unknown, unknown> {
  private readonly storeName: string;
  private context!: Ctx;
  private window!: WindowStore<K, V>;
  constructor(storeName: string) {
    this.storeName = storeName;
  }
  init(context: Ctx): void {
    this.context = context;
    this.window = context.getStateStore<WindowStore<K, V>>(this.storeName);
  }
  process(record: Record<K, V>): void {
    this.context.forward(record);
    if (record.key !== null && record.key !== undefined) this.window.put(record.key, record.value, record.timestamp);
  }
}

export interface StreamJoinSideOptions<K, VThis, VOther, VOut> {
  readonly leftSide: boolean;
  readonly otherWindowStoreName: string;
  readonly windows: JoinWindows;
  /** Takes this side's value first (the right side gets the reversed joiner). */
  readonly joiner: ValueJoiner<VThis | null, VOther | null, VOut, K>;
  /** Emit this side's records that found no match (left join: left side; outer join: both). */
  readonly outer: boolean;
  readonly outerJoinStoreName: string | undefined;
  readonly timeTrackers: TimeTrackerSupplier;
}

type OuterStore<K> = KeyValueStore<TimestampedKeyAndJoinSide<K>, LeftOrRightValue<unknown, unknown>[]>;

export class KStreamKStreamJoinProcessor<K, VThis, VOther, VOut> implements Processor<K, VThis, unknown, unknown> {
  private readonly options: StreamJoinSideOptions<K, VThis, VOther, VOut>;
  private readonly joinBeforeMs: number;
  private readonly joinAfterMs: number;
  private readonly joinGraceMs: number;
  private context!: Ctx;
  private otherWindow!: WindowStore<K, VOther>;
  private outerStore: OuterStore<K> | undefined;
  private tracker!: TimeTracker;

  constructor(options: StreamJoinSideOptions<K, VThis, VOther, VOut>) {
    this.options = options;
    const { windows, leftSide } = options;
    this.joinBeforeMs = leftSide ? windows.beforeMs : windows.afterMs;
    this.joinAfterMs = leftSide ? windows.afterMs : windows.beforeMs;
    this.joinGraceMs = windows.gracePeriodMs();
  }

  init(context: Ctx): void {
    this.context = context;
    this.otherWindow = context.getStateStore<WindowStore<K, VOther>>(this.options.otherWindowStoreName);
    this.tracker = this.options.timeTrackers.get(context.taskId);
    if (this.options.outerJoinStoreName !== undefined) {
      this.outerStore = context.getStateStore<OuterStore<K>>(this.options.outerJoinStoreName);
      const interval = context.appConfigs()[EMIT_INTERVAL_CONFIG];
      if (interval !== undefined) this.tracker.emitIntervalMs = Number(interval);
    }
  }

  process(record: Record<K, VThis>): void {
    const { key, value, timestamp } = record;
    const tracker = this.tracker;
    tracker.advanceStreamTime(timestamp);
    const keyMissing = key === null || key === undefined;
    const valueMissing = value === null || value === undefined;
    if (this.options.outer && keyMissing && !valueMissing) {
      this.context.forward(record.withValue(this.options.joiner(value, null, key)));
      return;
    }
    if (keyMissing || valueMissing) return; // Java drops (and counts) records without key or value
    if (timestamp === tracker.streamTime && this.outerStore !== undefined) this.emitNonJoinedOuterRecords(record);

    const timeFrom = Math.max(0, timestamp - this.joinBeforeMs);
    const timeTo = Math.max(0, timestamp + this.joinAfterMs);
    const matches = this.otherWindow.fetch(key, timeFrom, timeTo);
    for (const match of matches) {
      // A match removes the other side's record from the records waiting for "no match".
      if (this.outerStore !== undefined) {
        const otherKey = { key, timestamp: match.key, leftSide: !this.options.leftSide };
        if (this.outerStore.get(otherKey) !== undefined) this.outerStore.put(otherKey, null);
      }
      this.context.forward(
        record.withValue(this.options.joiner(value, match.value, key)).withTimestamp(Math.max(timestamp, match.key)),
      );
    }
    if (!this.options.outer || matches.length > 0) return;
    // Too old to wait for a match any more (the window is already closed): emit it right away.
    if (this.outerStore === undefined || timeTo < tracker.streamTime) {
      this.context.forward(record.withValue(this.options.joiner(value, null, key)));
      return;
    }
    tracker.updatedMinTime(timestamp);
    const thisKey = { key, timestamp, leftSide: this.options.leftSide };
    const entry: LeftOrRightValue<unknown, unknown> = this.options.leftSide
      ? { leftValue: value, rightValue: null }
      : { leftValue: null, rightValue: value };
    const waiting = this.outerStore.get(thisKey);
    this.outerStore.put(thisKey, waiting === undefined ? [entry] : [...waiting, entry]);
  }

  /** The look-back of a waiting record: the window extends `after` past a left record, `before` past a right one. */
  private windowOpen(waiting: TimestampedKeyAndJoinSide<K>): boolean {
    const lookBack = waiting.leftSide ? this.options.windows.afterMs : this.options.windows.beforeMs;
    return this.tracker.minTime + lookBack + this.joinGraceMs >= this.tracker.streamTime;
  }

  private emitNonJoinedOuterRecords(record: Record<K, VThis>): void {
    const tracker = this.tracker;
    const store = this.outerStore!;
    // Only scan when some waiting record might have closed, and not more often than the emit interval.
    // With no waiting record known (minTime unset, e.g. after a restore from the changelog) Java's long sum
    // overflows and the store is scanned: do the same.
    const minTimeUnset = tracker.minTime === Number.MAX_SAFE_INTEGER && this.joinAfterMs + this.joinGraceMs > 0;
    if (!minTimeUnset && tracker.minTime + this.joinAfterMs + this.joinGraceMs >= tracker.streamTime) return;
    const now = this.context.currentSystemTimeMs();
    if (now < tracker.nextTimeToEmit) return;
    tracker.nextTimeToEmit = now + tracker.emitIntervalMs;
    tracker.minTime = Number.MAX_SAFE_INTEGER;

    let leftWindowOpen = false;
    let rightWindowOpen = false;
    const emitted: TimestampedKeyAndJoinSide<K>[] = [];
    for (const { key: waiting, value: list } of store.all()) {
      tracker.minTime = waiting.timestamp;
      if (leftWindowOpen && rightWindowOpen) break; // nothing older is left on either side
      if (this.windowOpen(waiting)) {
        if (waiting.leftSide) leftWindowOpen = true;
        else rightWindowOpen = true;
        continue;
      }
      for (const item of list) {
        const thisValue = (this.options.leftSide ? item.leftValue : item.rightValue) as VThis | null;
        const otherValue = (this.options.leftSide ? item.rightValue : item.leftValue) as VOther | null;
        this.context.forward(
          record
            .withKey(waiting.key)
            .withValue(this.options.joiner(thisValue, otherValue, waiting.key))
            .withTimestamp(waiting.timestamp) as Record<unknown, unknown>,
        );
      }
      emitted.push(waiting);
    }
    for (const waiting of emitted) store.put(waiting, null);
  }

  close(): void {
    this.options.timeTrackers.remove(this.context.taskId);
  }
}
