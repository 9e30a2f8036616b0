/**
 * The stateful processors of grouped streams and tables (Java's KStreamAggregate, KStreamReduce,
 * KTableAggregate, KTableReduce). Each reads the old aggregate from its store, writes the new one with the
 * larger of the two timestamps, and forwards a Change downstream.
 */
import type { Processor } from '../../processor/processor.ts';
import type { ProcessorContext } from '../../processor/processor-context.ts';
import { Record } from '../../processor/record.ts';
import type { TimestampedKeyValueStore } from '../../state/key-value-store.ts';
import { Change } from './change.ts';
import type { TableSpec } from './table-processors.ts';

type Ctx = ProcessorContext<unknown, unknown>;

abstract class StoreProcessor<K, VIn, VAgg> implements Processor<K, VIn, unknown, unknown> {
  protected readonly spec: TableSpec;
  protected context!: Ctx;
  protected store!: TimestampedKeyValueStore<K, VAgg>;
  protected sendOldValues = false;
  constructor(spec: TableSpec) {
    this.spec = spec;
  }
  init(context: Ctx): void {
    this.context = context;
    this.sendOldValues = this.spec.sendOldValues;
    this.store = context.getStateStore<TimestampedKeyValueStore<K, VAgg>>(this.spec.storeName!);
  }
  abstract process(record: Record<K, VIn>): void;
}

/** KGroupedStream#aggregate and count (and each stream of a cogroup). */
export class StreamAggregateProcessor<K, V, VAgg> extends StoreProcessor<K, V, VAgg> {
  private readonly initializer: () => VAgg;
  private readonly aggregator: (key: K, value: V, aggregate: VAgg) => VAgg;
  constructor(spec: TableSpec, initializer: () => VAgg, aggregator: (key: K, value: V, aggregate: VAgg) => VAgg) {
    super(spec);
    this.initializer = initializer;
    this.aggregator = aggregator;
  }
  process(record: Record<K, V>): void {
    const key = record.key;
    if (key === null || key === undefined || record.value === null || record.value === undefined) return;
    const old = this.store.getWithTimestamp(key);
    let timestamp = record.timestamp;
    let oldAgg: VAgg;
    if (old === undefined) oldAgg = this.initializer();
    else {
      oldAgg = old.value;
      if (old.timestamp > timestamp) timestamp = old.timestamp;
    }
    const newAgg = this.aggregator(key, record.value, oldAgg);
    this.store.putWithTimestamp(key, newAgg, timestamp);
    const oldValue = this.sendOldValues && old !== undefined ? old.value : null;
    this.context.forward(new Record(record.key, new Change(newAgg, oldValue), timestamp, record.headers));
  }
}

/** KGroupedStream#reduce. */
export class StreamReduceProcessor<K, V> extends StoreProcessor<K, V, V> {
  private readonly reducer: (aggregate: V, value: V) => V;
  constructor(spec: TableSpec, reducer: (aggregate: V, value: V) => V) {
    super(spec);
    this.reducer = reducer;
  }
  process(record: Record<K, V>): void {
    const key = record.key;
    if (key === null || key === undefined || record.value === null || record.value === undefined) return;
    const old = this.store.getWithTimestamp(key);
    let timestamp = record.timestamp;
    let newAgg: V;
    if (old === undefined) newAgg = record.value;
    else {
      newAgg = this.reducer(old.value, record.value);
      if (old.timestamp > timestamp) timestamp = old.timestamp;
    }
    this.store.putWithTimestamp(key, newAgg, timestamp);
    const oldValue = this.sendOldValues && old !== undefined ? old.value : null;
    this.context.forward(new Record(record.key, new Change(newAgg, oldValue), timestamp, record.headers));
  }
}

/** KGroupedTable#aggregate and count: subtracts the old row, then adds the new one. */
export class TableAggregateProcessor<K, V, VAgg> extends StoreProcessor<K, Change<V>, VAgg> {
  private readonly initializer: () => VAgg;
  private readonly adder: (key: K, value: V, aggregate: VAgg) => VAgg;
  private readonly subtractor: (key: K, value: V, aggregate: VAgg) => VAgg;
  constructor(
    spec: TableSpec,
    initializer: () => VAgg,
    adder: (key: K, value: V, aggregate: VAgg) => VAgg,
    subtractor: (key: K, value: V, aggregate: VAgg) => VAgg,
  ) {
    super(spec);
    this.initializer = initializer;
    this.adder = adder;
    this.subtractor = subtractor;
  }
  process(record: Record<K, Change<V>>): void {
    const key = record.key;
    if (key === null || key === undefined) return;
    const change = record.value;
    const old = this.store.getWithTimestamp(key);
    const oldAgg = old === undefined ? null : old.value;
    let timestamp = record.timestamp;
    let intermediate: VAgg | null = oldAgg;
    if (change.oldValue !== null && oldAgg !== null) {
      intermediate = this.subtractor(key, change.oldValue, oldAgg);
      if (old!.timestamp > timestamp) timestamp = old!.timestamp;
    }
    let newAgg: VAgg | null = intermediate;
    if (change.newValue !== null) {
      newAgg = this.adder(key, change.newValue, intermediate === null ? this.initializer() : intermediate);
      if (old !== undefined && old.timestamp > timestamp) timestamp = old.timestamp;
    }
    this.store.putWithTimestamp(key, newAgg, timestamp);
    this.context.forward(
      new Record(record.key, new Change(newAgg, this.sendOldValues ? oldAgg : null), timestamp, record.headers),
    );
  }
}

/** KGroupedTable#reduce. */
export class TableReduceProcessor<K, V> extends StoreProcessor<K, Change<V>, V> {
  private readonly adder: (aggregate: V, value: V) => V;
  private readonly subtractor: (aggregate: V, value: V) => V;
  constructor(spec: TableSpec, adder: (aggregate: V, value: V) => V, subtractor: (aggregate: V, value: V) => V) {
    super(spec);
    this.adder = adder;
    this.subtractor = subtractor;
  }
  process(record: Record<K, Change<V>>): void {
    const key = record.key;
    if (key === null || key === undefined) return;
    const change = record.value;
    const old = this.store.getWithTimestamp(key);
    const oldAgg = old === undefined ? null : old.value;
    let timestamp = record.timestamp;
    let intermediate: V | null = oldAgg;
    if (change.oldValue !== null && oldAgg !== null) {
      intermediate = this.subtractor(oldAgg, change.oldValue);
      if (old!.timestamp > timestamp) timestamp = old!.timestamp;
    }
    let newAgg: V | null = intermediate;
    if (change.newValue !== null) {
      if (intermediate === null) newAgg = change.newValue;
      else {
        newAgg = this.adder(intermediate, change.newValue);
        if (old !== undefined && old.timestamp > timestamp) timestamp = old.timestamp;
      }
    }
    this.store.putWithTimestamp(key, newAgg, timestamp);
    this.context.forward(
      new Record(record.key, new Change(newAgg, this.sendOldValues ? oldAgg : null), timestamp, record.headers),
    );
  }
}
