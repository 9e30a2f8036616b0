/** Factory for store suppliers and builders (Java's `Stores`). */
import type { SerdeLike } from '../processor/internals/serde-like.ts';
import { KeyValueStoreBuilder, type KeyValueStoreSupplier } from './store-builder.ts';

export const Stores = {
  /** An in-memory key-value store; its changes are logged to a changelog topic unless logging is disabled. */
  inMemoryKeyValueStore(name: string): KeyValueStoreSupplier {
    if (typeof name !== 'string' || name.length === 0) throw new TypeError('a store needs a non-empty name');
    return { name, kind: 'in-memory' };
  },
  keyValueStoreBuilder<K, V>(
    supplier: KeyValueStoreSupplier,
    keySerde?: SerdeLike<K>,
    valueSerde?: SerdeLike<V>,
  ): KeyValueStoreBuilder<K, V> {
    return new KeyValueStoreBuilder(supplier, keySerde, valueSerde);
  },
  /** Same as keyValueStoreBuilder: every DSL store keeps a timestamp per value. */
  timestampedKeyValueStoreBuilder<K, V>(
    supplier: KeyValueStoreSupplier,
    keySerde?: SerdeLike<K>,
    valueSerde?: SerdeLike<V>,
  ): KeyValueStoreBuilder<K, V> {
    return new KeyValueStoreBuilder(supplier, keySerde, valueSerde);
  },
} as const;
