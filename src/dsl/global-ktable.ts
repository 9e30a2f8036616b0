/**
 * A table replicated in full to every instance (Java's `GlobalKTable`): each instance reads all partitions of
 * the topic into its own store, so lookups need no co-partitioning. Joins with streams come with the joins
 * work; until then a GlobalKTable is read through its store (`getStateStore(queryableStoreName)` from any
 * processor, or the TopologyTestDriver's `getKeyValueStore`).
 */
export class GlobalKTable<K, V> {
  /** The store holding the table. */
  readonly queryableStoreName: string;
  /** @internal phantom fields keep K and V in the type */
  declare readonly keyType?: K;
  /** @internal */
  declare readonly valueType?: V;

  /** @internal made by StreamsBuilder#globalTable */
  constructor(storeName: string) {
    this.queryableStoreName = storeName;
  }
}
