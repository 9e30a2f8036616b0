/**
 * The views `KafkaStreams#store` can return (Java's `QueryableStoreTypes`). Each type accepts some kinds of
 * store and builds a read-only view over every local partition's instance of the store (Java's composite
 * read-only stores). The view looks the stores up again on every call, so it follows rebalances: a read while
 * the store is not available throws a (retriable) InvalidStateStoreException.
 */
import type { ReadOnlyKeyValueStore, ValueAndTimestamp } from '../state/key-value-store.ts';
import type { ReadOnlySessionStore } from '../state/session-store.ts';
import type { ReadOnlyWindowStore, TimestampedWindowStore } from '../state/window-store.ts';
import {
  CompositeReadOnlyKeyValueStore,
  CompositeReadOnlySessionStore,
  CompositeReadOnlyWindowStore,
  CompositeTimestampedKeyValueStore,
  type LocalStores,
} from './composite-read-only-stores.ts';
import type { StoreKind } from './store-kind.ts';
import { TimestampedWindowView } from './timestamped-window-view.ts';

export interface QueryableStoreType<T> {
  /** As in Java's QueryableStoreTypes method names, e.g. "keyValueStore". */
  readonly name: string;
  accepts(kind: StoreKind): boolean;
  create(stores: LocalStores): T;
}

export const QueryableStoreTypes = {
  /** Key-value stores (timestamped ones too, their values without timestamps). */
  keyValueStore<K, V>(): QueryableStoreType<ReadOnlyKeyValueStore<K, V>> {
    return {
      name: 'keyValueStore',
      accepts: (kind) => kind === 'keyValue' || kind === 'timestampedKeyValue',
      create: (stores) => new CompositeReadOnlyKeyValueStore<K, V>(stores),
    };
  },
  /** Timestamped key-value stores (every DSL table): values with the timestamp of their last update. */
  timestampedKeyValueStore<K, V>(): QueryableStoreType<ReadOnlyKeyValueStore<K, ValueAndTimestamp<V>>> {
    return {
      name: 'timestampedKeyValueStore',
      accepts: (kind) => kind === 'timestampedKeyValue',
      create: (stores) => new CompositeTimestampedKeyValueStore<K, V>(stores),
    };
  },
  windowStore<K, V>(): QueryableStoreType<ReadOnlyWindowStore<K, V>> {
    return {
      name: 'windowStore',
      accepts: (kind) => kind === 'window' || kind === 'timestampedWindow',
      create: (stores) => new CompositeReadOnlyWindowStore<K, V>(stores),
    };
  },
  /** Timestamped window stores (every DSL windowed aggregation): values with the timestamp of their last update. */
  timestampedWindowStore<K, V>(): QueryableStoreType<ReadOnlyWindowStore<K, ValueAndTimestamp<V>>> {
    return {
      name: 'timestampedWindowStore',
      accepts: (kind) => kind === 'timestampedWindow',
      create: (stores) =>
        new CompositeReadOnlyWindowStore<K, ValueAndTimestamp<V>>({
          ...stores,
          instances: () =>
            stores.instances().map((store) => new TimestampedWindowView(store as TimestampedWindowStore<K, V>)),
        }),
    };
  },
  sessionStore<K, V>(): QueryableStoreType<ReadOnlySessionStore<K, V>> {
    return {
      name: 'sessionStore',
      accepts: (kind) => kind === 'session',
      create: (stores) => new CompositeReadOnlySessionStore<K, V>(stores),
    };
  },
} as const;
