/**
 * Describes a store to create once per task (Java's `StoreBuilder`): its name, serdes and whether its changes
 * are logged to a changelog topic (`<application.id>-<name>-changelog`, compacted).
 */
import { InMemoryKeyValueStore } from './in-memory-key-value-store.ts';
import { AbstractStoreBuilder } from './internals/abstract-store-builder.ts';
import { PersistentKeyValueStore } from './persistent-key-value-store.ts';
import type { StateStore } from './state-store.ts';

export interface StoreBuilder<S extends StateStore = StateStore> {
  readonly name: string;
  readonly loggingEnabled: boolean;
  /** Extra topic configs for the changelog. */
  readonly logConfig: Readonly<Record<string, string>>;
  withLoggingEnabled(config?: Readonly<Record<string, string>>): StoreBuilder<S>;
  withLoggingDisabled(): StoreBuilder<S>;
  /** Accepted for compatibility; Tributary's in-memory stores do not cache (every update is forwarded). */
  withCachingEnabled(): StoreBuilder<S>;
  withCachingDisabled(): StoreBuilder<S>;
  /** Makes a new store instance (one per task). */
  build(): S;
}

/**
 * How a key-value store is made (Java's `KeyValueBytesStoreSupplier`): in memory, or persistent (LMDB under
 * `state.dir`, Tributary's counterpart of Java's RocksDB store).
 */
export interface KeyValueStoreSupplier {
  readonly name: string;
  readonly kind: 'in-memory' | 'persistent';
}

/** Which store a DSL operator without an explicit supplier gets (`default.dsl.store`, Java's names). */
export type DslStoreType = 'in_memory' | 'rocksDB';

export class KeyValueStoreBuilder<K, V> extends AbstractStoreBuilder<
  K,
  V,
  KeyValueStoreSupplier,
  InMemoryKeyValueStore<K, V> | PersistentKeyValueStore<K, V>,
  KeyValueStoreBuilder<K, V>
> {
  protected supplierKindFor(type: DslStoreType): KeyValueStoreSupplier['kind'] {
    return type === 'rocksDB' ? 'persistent' : 'in-memory';
  }

  build(): InMemoryKeyValueStore<K, V> | PersistentKeyValueStore<K, V> {
    if (this.supplier.kind === 'persistent')
      return new PersistentKeyValueStore<K, V>(this.name, this.keySerde, this.valueSerde);
    return new InMemoryKeyValueStore<K, V>(this.name, this.keySerde, this.valueSerde);
  }
}
