/**
 * Table-table joins (Java's `KTableKTableInnerJoin`, `...LeftJoin`, `...RightJoin`, `...OuterJoin` and
 * `KTableKTableJoinMerger`). Each side's updates go through its own join processor, which looks up the other
 * side's current row with that table's value getter; a merge processor forwards both (and keeps the result
 * in a store when materialized). Changes carry old values when downstream needs them, so that, e.g., an
 * aggregation over the joined table subtracts the old joined row and adds the new one.
 */
import type { Processor } from '../../processor/processor.ts';
import type { ProcessorContext } from '../../processor/processor-context.ts';
import type { Record } from '../../processor/record.ts';
import type { TimestampedKeyValueStore, ValueAndTimestamp } from '../../state/key-value-store.ts';
import type { ValueJoiner } from '../value-joiner.ts';
import { Change } from './change.ts';
import type { KTableValueGetter, KTableValueGetterSupplier } from './ktable-value-getter.ts';

type Ctx = ProcessorContext<unknown, unknown>;

/** Which rows produce a result: `right` is the other side's processor of a left join. */
export type TableJoinKind = 'inner' | 'left' | 'right' | 'outer';

/** Java's `UNKNOWN` timestamp of a missing row. */
const UNKNOWN = -1;

/** Set by the DSL after the processor was added, when downstream needs old values. */
export interface JoinSpec {
  sendOldValues: boolean;
}

/** One side's join processor: `valueGetter` reads the other side. `joiner` takes this side's value first. */
export class KTableKTableJoinProcessor<K, V1, V2, VR> implements Processor<K, Change<V1>, unknown, unknown> {
  private readonly kind: TableJoinKind;
  private readonly spec: JoinSpec;
  private readonly joiner: ValueJoiner<V1 | null, V2 | null, VR, K>;
  private readonly valueGetter: KTableValueGetter<K, V2>;
  private context!: Ctx;
  private sendOldValues = false;

  constructor(
    kind: TableJoinKind,
    spec: JoinSpec,
    joiner: ValueJoiner<V1 | null, V2 | null, VR, K>,
    otherSide: KTableValueGetterSupplier<K, V2>,
  ) {
    this.kind = kind;
    this.spec = spec;
    this.joiner = joiner;
    this.valueGetter = otherSide.get();
  }

  init(context: Ctx): void {
    this.context = context;
    this.sendOldValues = this.spec.sendOldValues;
    this.valueGetter.init(context);
  }

  process(record: Record<K, Change<V1>>): void {
    const key = record.key;
    if (key === null || key === undefined) return; // a table row needs a key
    const change = record.value;
    const other = this.valueGetter.get(key);
    const otherValue = other === undefined ? null : other.value;
    let newValue: VR | null = null;
    let oldValue: VR | null = null;
    let timestamp: number;
    switch (this.kind) {
      case 'inner':
        if (other === undefined) return;
        timestamp = Math.max(record.timestamp, other.timestamp);
        if (change.newValue !== null) newValue = this.joiner(change.newValue, otherValue, key);
        if (this.sendOldValues && change.oldValue !== null) oldValue = this.joiner(change.oldValue, otherValue, key);
        break;
      case 'left':
        if (other === undefined && change.newValue === null && change.oldValue === null) return;
        timestamp = Math.max(record.timestamp, other === undefined ? UNKNOWN : other.timestamp);
        if (change.newValue !== null) newValue = this.joiner(change.newValue, otherValue, key);
        if (this.sendOldValues && change.oldValue !== null) oldValue = this.joiner(change.oldValue, otherValue, key);
        break;
      case 'right':
        // The right side of a left join: a result exists exactly when the left row does.
        if (other === undefined) return;
        timestamp = Math.max(record.timestamp, other.timestamp);
        newValue = this.joiner(change.newValue, otherValue, key);
        if (this.sendOldValues) oldValue = this.joiner(change.oldValue, otherValue, key);
        break;
      case 'outer':
        if (other === undefined && change.newValue === null && change.oldValue === null) return;
        timestamp = other === undefined ? record.timestamp : Math.max(record.timestamp, other.timestamp);
        if (other !== undefined || change.newValue !== null) newValue = this.joiner(change.newValue, otherValue, key);
        if (this.sendOldValues && (other !== undefined || change.oldValue !== null))
          oldValue = this.joiner(change.oldValue, otherValue, key);
        break;
    }
    this.context.forward(record.withValue(new Change<VR>(newValue, oldValue)).withTimestamp(timestamp));
  }
}

/**
 * The joined table's rows computed from both sides' getters (Java's join value getters), for tables that
 * join or look up the joined table without it being materialized. `joiner` takes the left value first.
 */
export function joinValueGetterSupplier<K, V1, V2, VR>(
  kind: 'inner' | 'left' | 'outer',
  left: KTableValueGetterSupplier<K, V1>,
  right: KTableValueGetterSupplier<K, V2>,
  joiner: ValueJoiner<V1 | null, V2 | null, VR, K>,
): KTableValueGetterSupplier<K, VR> {
  return {
    storeNames: [...new Set([...left.storeNames, ...right.storeNames])],
    get(): KTableValueGetter<K, VR> {
      const leftGetter = left.get();
      const rightGetter = right.get();
      return {
        init(context) {
          leftGetter.init(context);
          rightGetter.init(context);
        },
        get(key: K): ValueAndTimestamp<VR> | undefined {
          const l = leftGetter.get(key);
          if (kind !== 'outer' && l === undefined) return undefined;
          const r = rightGetter.get(key);
          if (kind === 'inner' && r === undefined) return undefined;
          if (l === undefined && r === undefined) return undefined;
          const value = joiner(l === undefined ? null : l.value, r === undefined ? null : r.value, key);
          const timestamp = Math.max(l === undefined ? UNKNOWN : l.timestamp, r === undefined ? UNKNOWN : r.timestamp);
          return value === null || value === undefined ? undefined : { value, timestamp };
        },
      };
    },
  };
}

/** Forwards both sides' results; keeps them in the joined table's store when it is materialized. */
export class KTableKTableJoinMerger<K, VR> implements Processor<K, Change<VR>, unknown, unknown> {
  private readonly spec: JoinSpec;
  private readonly storeName: string | undefined;
  private context!: Ctx;
  private store: TimestampedKeyValueStore<K, VR> | undefined;
  private sendOldValues = false;

  constructor(spec: JoinSpec, storeName: string | undefined) {
    this.spec = spec;
    this.storeName = storeName;
  }

  init(context: Ctx): void {
    this.context = context;
    this.sendOldValues = this.spec.sendOldValues;
    if (this.storeName !== undefined)
      this.store = context.getStateStore<TimestampedKeyValueStore<K, VR>>(this.storeName);
  }

  process(record: Record<K, Change<VR>>): void {
    this.store?.putWithTimestamp(record.key, record.value.newValue, record.timestamp);
    if (this.sendOldValues) this.context.forward(record);
    else this.context.forward(record.withValue(new Change<VR>(record.value.newValue, null)));
  }
}
