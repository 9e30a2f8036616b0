/**
 * Stream-table and stream-GlobalKTable joins (Java's `KStreamKTableJoinProcessor`): each stream record looks
 * up the table's current row for its key (or for the key `keyMapper` picks, with a GlobalKTable) and forwards
 * the joined value with the stream record's key and timestamp. Table updates trigger nothing. Records with a
 * null value, or a null join key, are dropped, except that a left join passes a null-key record with a value
 * through with a null table value (as Kafka Streams 3.7+ does).
 */
import type { Processor } from '../../processor/processor.ts';
import type { ProcessorContext } from '../../processor/processor-context.ts';
import type { Record } from '../../processor/record.ts';
import type { ValueJoiner } from '../value-joiner.ts';
import type { KTableValueGetter, KTableValueGetterSupplier } from './ktable-value-getter.ts';

type Ctx = ProcessorContext<unknown, unknown>;

export class KStreamKTableJoinProcessor<K, V, KT, VT, VR> implements Processor<K, V, unknown, unknown> {
  private readonly valueGetter: KTableValueGetter<KT, VT>;
  private readonly keyMapper: (key: K, value: V) => KT;
  private readonly joiner: ValueJoiner<V, VT | null, VR, K>;
  private readonly leftJoin: boolean;
  private context!: Ctx;

  constructor(
    table: KTableValueGetterSupplier<KT, VT>,
    keyMapper: (key: K, value: V) => KT,
    joiner: ValueJoiner<V, VT | null, VR, K>,
    leftJoin: boolean,
  ) {
    this.valueGetter = table.get();
    this.keyMapper = keyMapper;
    this.joiner = joiner;
    this.leftJoin = leftJoin;
  }

  init(context: Ctx): void {
    this.context = context;
    this.valueGetter.init(context);
  }

  process(record: Record<K, V>): void {
    const { key, value } = record;
    const mappedKey = this.keyMapper(key, value);
    const relaxedNullKey =
      this.leftJoin && (key === null || key === undefined) && value !== null && value !== undefined;
    if (!relaxedNullKey && (mappedKey === null || mappedKey === undefined || value === null || value === undefined))
      return; // nothing to join (Java counts it as a dropped record)
    const row = mappedKey === null || mappedKey === undefined ? undefined : this.valueGetter.get(mappedKey);
    if (row === undefined && !this.leftJoin) return;
    this.context.forward(record.withValue(this.joiner(value, row === undefined ? null : row.value, key)));
  }
}
