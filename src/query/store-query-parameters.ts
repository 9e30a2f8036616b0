/**
 * What `KafkaStreams#store` should return (Java's `StoreQueryParameters`): a store name, the type of view
 * (from {@link QueryableStoreTypes}), optionally one partition, and whether stale stores (still restoring,
 * or the client rebalancing) may be read.
 *
 * ```ts
 * const counts = streams.store(StoreQueryParameters.fromNameAndType('counts', QueryableStoreTypes.keyValueStore<string, number>()));
 * counts.get('kafka');
 * ```
 */
import type { QueryableStoreType } from './queryable-store-types.ts';

export class StoreQueryParameters<T> {
  readonly storeName: string;
  readonly queryableStoreType: QueryableStoreType<T>;
  /** Only this partition's store, or undefined: every local partition. */
  readonly partition: number | undefined;
  readonly staleStoresEnabled: boolean;

  private constructor(
    storeName: string,
    queryableStoreType: QueryableStoreType<T>,
    partition: number | undefined,
    staleStoresEnabled: boolean,
  ) {
    this.storeName = storeName;
    this.queryableStoreType = queryableStoreType;
    this.partition = partition;
    this.staleStoresEnabled = staleStoresEnabled;
  }

  static fromNameAndType<T>(storeName: string, queryableStoreType: QueryableStoreType<T>): StoreQueryParameters<T> {
    if (typeof storeName !== 'string' || storeName === '') {
      throw new TypeError(`StoreQueryParameters needs a store name, got ${JSON.stringify(storeName)}`);
    }
    return new StoreQueryParameters(storeName, queryableStoreType, undefined, false);
  }

  /** Query only the store of this partition (it must be local). */
  withPartition(partition: number): StoreQueryParameters<T> {
    if (!Number.isInteger(partition) || partition < 0) {
      throw new RangeError(`withPartition needs a partition number >= 0, got ${partition}`);
    }
    return new StoreQueryParameters(this.storeName, this.queryableStoreType, partition, this.staleStoresEnabled);
  }

  /** Also read stores that are restoring or whose client is rebalancing (their data may be behind). */
  enableStaleStores(): StoreQueryParameters<T> {
    return new StoreQueryParameters(this.storeName, this.queryableStoreType, this.partition, true);
  }
}
