/**
 * The processors behind KTable operators, carrying `Change` values (new and, when a downstream operator needs
 * it, old). `spec` objects are shared with the DSL, which may turn on `sendOldValues` or materialization after
 * the processor was added (as Kafka Streams does); the processors read them when a task creates them.
 */
import type { Processor } from '../../processor/processor.ts';
import type { ProcessorContext } from '../../processor/processor-context.ts';
import { Record } from '../../processor/record.ts';
import type { TimestampedKeyValueStore } from '../../state/key-value-store.ts';
import { Change } from './change.ts';

type Ctx = ProcessorContext<unknown, unknown>;

export interface TableSpec {
  /** Forward old values too (needed by groupBy on a table, aggregations of tables, ...). */
  sendOldValues: boolean;
  /** The store this table is materialized in, or undefined. */
  storeName: string | undefined;
}

/** builder.table() and KStream#toTable(): turns records into table updates, keeping the table in a store. */
export class TableSourceProcessor<K, V> implements Processor<K, V, unknown, unknown> {
  private readonly spec: TableSpec;
  private context!: Ctx;
  private store: TimestampedKeyValueStore<K, V> | undefined;
  private sendOldValues = false;
  constructor(spec: TableSpec) {
    this.spec = spec;
  }
  init(context: Ctx): void {
    this.context = context;
    this.sendOldValues = this.spec.sendOldValues;
    if (this.spec.storeName !== undefined)
      this.store = context.getStateStore<TimestampedKeyValueStore<K, any>>(this.spec.storeName);
  }
  process(record: Record<K, V>): void {
    if (record.key === null || record.key === undefined) return; // a table row needs a key
    const value = record.value === undefined ? null : record.value;
    const store = this.store;
    if (store === undefined) {
      this.context.forward(record.withValue(new Change<V>(value, null)));
      return;
    }
    const old = store.getWithTimestamp(record.key);
    store.putWithTimestamp(record.key, value, record.timestamp);
    const oldValue = old === undefined ? null : old.value;
    this.context.forward(record.withValue(new Change<V>(value, this.sendOldValues ? oldValue : null)));
  }
}

/** KTable#filter / filterNot. */
export class TableFilterProcessor<K, V> implements Processor<K, Change<V>, unknown, unknown> {
  private readonly spec: TableSpec;
  private readonly predicate: (key: K, value: V) => boolean;
  private readonly negate: boolean;
  private context!: Ctx;
  private store: TimestampedKeyValueStore<K, V> | undefined;
  private sendOldValues = false;
  constructor(spec: TableSpec, predicate: (key: K, value: V) => boolean, negate: boolean) {
    this.spec = spec;
    this.predicate = predicate;
    this.negate = negate;
  }
  init(context: Ctx): void {
    this.context = context;
    this.sendOldValues = this.spec.sendOldValues;
    if (this.spec.storeName !== undefined)
      this.store = context.getStateStore<TimestampedKeyValueStore<K, any>>(this.spec.storeName);
  }
  private compute(key: K, value: V | null): V | null {
    return value !== null && this.predicate(key, value) !== this.negate ? value : null;
  }
  process(record: Record<K, Change<V>>): void {
    const newValue = this.compute(record.key, record.value.newValue);
    const oldValue = this.sendOldValues ? this.compute(record.key, record.value.oldValue) : null;
    if (this.sendOldValues && oldValue === null && newValue === null) return; // nothing changed downstream
    this.store?.putWithTimestamp(record.key, newValue, record.timestamp);
    this.context.forward(record.withValue(new Change(newValue, oldValue)));
  }
}

/** KTable#mapValues. */
export class TableMapValuesProcessor<K, V, VR> implements Processor<K, Change<V>, unknown, unknown> {
  private readonly spec: TableSpec;
  private readonly mapper: (value: V, key: K) => VR;
  private context!: Ctx;
  private store: TimestampedKeyValueStore<K, VR> | undefined;
  private sendOldValues = false;
  constructor(spec: TableSpec, mapper: (value: V, key: K) => VR) {
    this.spec = spec;
    this.mapper = mapper;
  }
  init(context: Ctx): void {
    this.context = context;
    this.sendOldValues = this.spec.sendOldValues;
    if (this.spec.storeName !== undefined)
      this.store = context.getStateStore<TimestampedKeyValueStore<K, any>>(this.spec.storeName);
  }
  process(record: Record<K, Change<V>>): void {
    const change = record.value;
    const newValue = change.newValue === null ? null : this.mapper(change.newValue, record.key);
    const oldValue = this.sendOldValues && change.oldValue !== null ? this.mapper(change.oldValue, record.key) : null;
    this.store?.putWithTimestamp(record.key, newValue, record.timestamp);
    this.context.forward(record.withValue(new Change<VR>(newValue, oldValue)));
  }
}

/**
 * KTable#groupBy: maps each change to the new grouping key. The old row is subtracted under its old key and
 * the new row added under its new key; when both keys are the same, one record carries both (as in Java).
 */
export class TableRepartitionMapProcessor<K, V, KR, VR> implements Processor<K, Change<V>, unknown, unknown> {
  private readonly selector: (key: K, value: V) => readonly [KR, VR] | { key: KR; value: VR };
  private context!: Ctx;
  constructor(selector: (key: K, value: V) => readonly [KR, VR] | { key: KR; value: VR }) {
    this.selector = selector;
  }
  init(context: Ctx): void {
    this.context = context;
  }
  private select(key: K, value: V | null): { key: KR; value: VR } | undefined {
    if (value === null) return undefined;
    const result = this.selector(key, value);
    if (result === null || result === undefined)
      throw new TypeError('groupBy() on a table must return a [key, value] pair');
    const pair = Array.isArray(result)
      ? { key: result[0] as KR, value: result[1] as VR }
      : (result as { key: KR; value: VR });
    if (pair.key === null || pair.key === undefined || pair.value === null || pair.value === undefined)
      return undefined;
    return pair;
  }
  process(record: Record<K, Change<V>>): void {
    if (record.key === null || record.key === undefined) return;
    const oldPair = this.select(record.key, record.value.oldValue);
    const newPair = this.select(record.key, record.value.newValue);
    if (oldPair !== undefined && newPair !== undefined && Object.is(oldPair.key, newPair.key)) {
      this.context.forward(
        new Record(newPair.key, new Change(newPair.value, oldPair.value), record.timestamp, record.headers),
      );
      return;
    }
    if (oldPair !== undefined)
      this.context.forward(
        new Record(oldPair.key, new Change<VR>(null, oldPair.value), record.timestamp, record.headers),
      );
    if (newPair !== undefined)
      this.context.forward(
        new Record(newPair.key, new Change<VR>(newPair.value, null), record.timestamp, record.headers),
      );
  }
}
