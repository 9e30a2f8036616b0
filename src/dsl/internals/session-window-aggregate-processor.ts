/**
 * The processor of session-windowed aggregations (Java's `KStreamSessionWindowAggregate`). A record at time t
 * finds the sessions of its key ending at or after t − gap and starting at or before t + gap, merges them and
 * itself into one session, and puts the aggregate back. Each merged-away session is removed and forwarded as a
 * deletion (old value attached when downstream asks for old values); then the merged session is forwarded
 * with its new aggregate, stamped with the session's end. A record whose merged session ends before
 * stream time − gap − grace is late and dropped.
 */
import type { Processor } from '../../processor/processor.ts';
import type { ProcessorContext } from '../../processor/processor-context.ts';
import type { Record } from '../../processor/record.ts';
import type { SessionStore } from '../../state/session-store.ts';
import type { SessionWindows } from '../session-windows.ts';
import { type Window, Windowed } from '../windowed.ts';
import { Change } from './change.ts';
import type { TableSpec } from './table-processors.ts';

export type SessionMerger<K, VAgg> = (key: K, aggregate1: VAgg, aggregate2: VAgg) => VAgg;

export class SessionWindowAggregateProcessor<K, V, VAgg> implements Processor<K, V, Windowed<K>, Change<VAgg>> {
  private readonly windows: SessionWindows;
  private readonly spec: TableSpec;
  private readonly initializer: () => VAgg;
  private readonly aggregator: (key: K, value: V, aggregate: VAgg) => VAgg;
  private readonly merger: SessionMerger<K, VAgg>;
  private context!: ProcessorContext<Windowed<K>, Change<VAgg>>;
  private store!: SessionStore<K, VAgg>;
  private sendOldValues = false;
  /** The largest timestamp this processor has seen (Java's per-processor observed stream time). */
  private observedStreamTime = -1;

  constructor(
    windows: SessionWindows,
    spec: TableSpec,
    initializer: () => VAgg,
    aggregator: (key: K, value: V, aggregate: VAgg) => VAgg,
    merger: SessionMerger<K, VAgg>,
  ) {
    this.windows = windows;
    this.spec = spec;
    this.initializer = initializer;
    this.aggregator = aggregator;
    this.merger = merger;
  }

  init(context: ProcessorContext<Windowed<K>, Change<VAgg>>): void {
    this.context = context;
    this.sendOldValues = this.spec.sendOldValues;
    this.store = context.getStateStore<SessionStore<K, VAgg>>(this.spec.storeName!);
  }

  process(record: Record<K, V>): void {
    const key = record.key;
    if (key === null || key === undefined) return; // Java skips null keys only: null values still aggregate
    const timestamp = record.timestamp;
    if (timestamp > this.observedStreamTime) this.observedStreamTime = timestamp;
    const gap = this.windows.inactivityGap();
    const windowCloseTime = this.observedStreamTime - this.windows.gracePeriodMs() - gap;

    const overlapping = this.store.findSessions(key, timestamp - gap, timestamp + gap);
    let aggregate = this.initializer();
    let start = timestamp;
    let end = timestamp;
    for (const session of overlapping) {
      aggregate = this.merger(key, aggregate, session.value);
      if (session.key.window.start < start) start = session.key.window.start;
      if (session.key.window.end > end) end = session.key.window.end;
    }

    if (end < windowCloseTime) return; // late: dropped (Java's "Skipping record for expired window")
    if (start !== timestamp || end !== timestamp) {
      for (const session of overlapping) {
        this.store.remove(session.key);
        this.forward(record, session.key, null, session.value);
      }
    }
    aggregate = this.aggregator(key, record.value, aggregate);
    const window: Window = { start, end };
    const sessionKey = Windowed.of(key, window);
    this.store.put(sessionKey, aggregate);
    this.forward(record, sessionKey, aggregate, null);
  }

  private forward(record: Record<K, V>, sessionKey: Windowed<K>, newAgg: VAgg | null, oldAgg: VAgg | null): void {
    const change = new Change<VAgg>(newAgg, this.sendOldValues ? oldAgg : null);
    this.context.forward(record.withKey(sessionKey).withValue(change).withTimestamp(sessionKey.window.end));
  }
}
