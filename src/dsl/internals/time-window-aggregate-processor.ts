/**
 * The processors of time-windowed aggregations: KStreamWindowAggregate (tumbling and hopping windows) here,
 * the sliding one beside it, over a shared base (Java's `AbstractKStreamTimeWindowAggregateProcessor`).
 * Each record updates the windows it falls in and forwards `Change`s keyed by `Windowed<K>`; windows that
 * closed (end + grace at or before the stream time this processor has seen) are skipped: their records are
 * dropped. With `EmitStrategy.onWindowClose()` nothing is forwarded per update; instead, as stream time
 * passes window ends + grace, the final value of each closed window is forwarded once.
 */
import type { Processor } from '../../processor/processor.ts';
import type { ProcessorContext } from '../../processor/processor-context.ts';
import { Record } from '../../processor/record.ts';
import type { ValueAndTimestamp } from '../../state/key-value-store.ts';
import type { TimestampedWindowStore } from '../../state/window-store.ts';
import type { TimeWindows } from '../time-windows.ts';
import type { Windowed } from '../windowed.ts';
import { Change } from './change.ts';
import type { TableSpec } from './table-processors.ts';

type Ctx = ProcessorContext<unknown, unknown>;

/** Java's `ConsumerRecord.NO_TIMESTAMP`. */
export const NO_TIMESTAMP = -1;

/** Java's internal config throttling on-window-close emission (wall-clock ms between fetches of closed windows). */
const EMIT_INTERVAL_CONFIG = '__emit.interval.ms.kstreams.windowed.aggregation__';

export abstract class AbstractTimeWindowAggregateProcessor<K, V, VAgg> implements Processor<K, V, unknown, unknown> {
  protected readonly spec: TableSpec;
  protected readonly emitOnClose: boolean;
  protected context!: Ctx;
  protected store!: TimestampedWindowStore<K, VAgg>;
  protected sendOldValues = false;
  protected observedStreamTime = NO_TIMESTAMP;
  protected lastEmitWindowCloseTime = NO_TIMESTAMP;
  private nextTimeToEmit = 0;
  private emitIntervalMs = 1000;

  constructor(spec: TableSpec, emitOnClose: boolean) {
    this.spec = spec;
    this.emitOnClose = emitOnClose;
  }

  /** Reads a window's aggregate before it is replaced: without a copy when the store offers it. */
  protected peek!: (key: K, windowStart: number) => ValueAndTimestamp<VAgg> | undefined;

  init(context: Ctx): void {
    this.context = context;
    this.sendOldValues = this.spec.sendOldValues;
    const store = context.getStateStore<TimestampedWindowStore<K, VAgg>>(this.spec.storeName!);
    this.store = store;
    const peekable = store as TimestampedWindowStore<K, VAgg> & {
      peekWithTimestamp?: (key: K, windowStart: number) => ValueAndTimestamp<VAgg> | undefined;
    };
    this.peek =
      typeof peekable.peekWithTimestamp === 'function'
        ? peekable.peekWithTimestamp.bind(store)
        : store.fetchWithTimestamp.bind(store);
    if (this.emitOnClose) {
      const interval = context.appConfigs()[EMIT_INTERVAL_CONFIG];
      if (interval !== undefined) this.emitIntervalMs = Number(interval);
    }
  }

  abstract process(record: Record<K, V>): void;

  protected updateObservedStreamTime(timestamp: number): void {
    if (timestamp > this.observedStreamTime) this.observedStreamTime = timestamp;
  }

  /** Forwards a window's update, unless this aggregation emits only final results. */
  protected forwardUpdate(
    record: Record<K, V>,
    start: number,
    end: number,
    oldAgg: VAgg | null,
    newAgg: VAgg,
    timestamp: number,
  ): void {
    if (this.emitOnClose) return;
    const key: Windowed<K> = { key: record.key, window: { start, end } };
    this.context.forward(
      new Record(key, new Change(newAgg, this.sendOldValues ? oldAgg : null), timestamp, record.headers),
    );
  }

  /** On-window-close: forwards the final value of every window that closed since the last emission. */
  protected maybeForwardFinalResult(record: Record<K, V>, windowCloseTime: number): void {
    if (!this.emitOnClose) return;
    const now = this.context.currentSystemTimeMs();
    if (now < this.nextTimeToEmit) return; // throttled, as Java (wall-clock interval)
    this.nextTimeToEmit = now + this.emitIntervalMs;
    if (this.lastEmitWindowCloseTime !== NO_TIMESTAMP && this.lastEmitWindowCloseTime >= windowCloseTime) return;
    const upper = this.emitRangeUpperBound(windowCloseTime);
    if (upper < 0) return; // no window has closed yet
    const lower = this.emitRangeLowerBound();
    if (!this.shouldRangeFetch(lower, upper)) return;
    for (const { key, value } of this.store.fetchWithTimestamps(undefined, undefined, lower, upper)) {
      this.context.forward(new Record(key, new Change(value.value, null), value.timestamp, record.headers));
    }
    this.lastEmitWindowCloseTime = windowCloseTime;
  }

  /** Inclusive bounds of the window starts to emit; negative upper: nothing closed yet. */
  protected abstract emitRangeLowerBound(): number;
  protected abstract emitRangeUpperBound(windowCloseTime: number): number;
  protected abstract shouldRangeFetch(lower: number, upper: number): boolean;
}

/** Tumbling and hopping windows (Java's `KStreamWindowAggregate`): count, reduce and aggregate. */
export class TimeWindowAggregateProcessor<K, V, VAgg> extends AbstractTimeWindowAggregateProcessor<K, V, VAgg> {
  private readonly windows: TimeWindows;
  private readonly initializer: () => VAgg;
  private readonly aggregator: (key: K, value: V, aggregate: VAgg) => VAgg;

  constructor(
    spec: TableSpec,
    emitOnClose: boolean,
    windows: TimeWindows,
    initializer: () => VAgg,
    aggregator: (key: K, value: V, aggregate: VAgg) => VAgg,
  ) {
    super(spec, emitOnClose);
    this.windows = windows;
    this.initializer = initializer;
    this.aggregator = aggregator;
  }

  process(record: Record<K, V>): void {
    const key = record.key;
    // Only a null key is dropped: as in Java, a null value still reaches the aggregator (count counts it).
    if (key === null || key === undefined) return;
    const timestamp = record.timestamp;
    this.updateObservedStreamTime(timestamp);
    const windowCloseTime = this.observedStreamTime - this.windows.gracePeriodMs();
    const size = this.windows.sizeMs;
    const advance = this.windows.advanceMs;
    const store = this.store;
    for (let start = this.windows.firstWindowStart(timestamp); start <= timestamp; start += advance) {
      const end = start + size;
      // Closed windows are skipped: the record is dropped for them (Java's "dropped-records").
      if (end <= windowCloseTime) continue;
      const old = this.peek(key, start);
      let oldAgg: VAgg;
      let newTimestamp: number;
      if (old === undefined || old.value === null) {
        oldAgg = this.initializer();
        newTimestamp = timestamp;
      } else {
        oldAgg = old.value;
        newTimestamp = Math.max(old.timestamp, timestamp);
      }
      const newAgg = this.aggregator(key, record.value, oldAgg);
      store.putWithTimestamp(key, newAgg, start, newTimestamp);
      this.forwardUpdate(record, start, end, oldAgg, newAgg, newTimestamp);
    }
    this.maybeForwardFinalResult(record, windowCloseTime);
  }

  protected emitRangeLowerBound(): number {
    // Window ends are exclusive: the windows already emitted end at or before the last close time.
    return this.lastEmitWindowCloseTime === NO_TIMESTAMP
      ? 0
      : Math.max(0, this.lastEmitWindowCloseTime - this.windows.sizeMs) + 1;
  }

  protected emitRangeUpperBound(windowCloseTime: number): number {
    return windowCloseTime - this.windows.sizeMs;
  }

  protected shouldRangeFetch(lower: number, upper: number): boolean {
    if (this.lastEmitWindowCloseTime === NO_TIMESTAMP) return true;
    // Nothing new closed when the windows holding both bounds are the same.
    return !sameKeys(this.windows.windowsFor(upper), this.windows.windowsFor(lower - 1));
  }
}

function sameKeys(a: Map<number, unknown>, b: Map<number, unknown>): boolean {
  if (a.size !== b.size) return false;
  for (const key of a.keys()) if (!b.has(key)) return false;
  return true;
}
