/**
 * Describes a store to create once per task (Java's `StoreBuilder`): its name, serdes and whether its changes
 * are logged to a changelog topic (`<application.id>-<name>-changelog`, compacted).
 */
import type { SerdeLike } from '../processor/internals/serde-like.ts';
import { InMemoryKeyValueStore } from './in-memory-key-value-store.ts';
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

export class KeyValueStoreBuilder<K, V>
  implements StoreBuilder<InMemoryKeyValueStore<K, V> | PersistentKeyValueStore<K, V>>
{
  readonly name: string;
  readonly supplier: KeyValueStoreSupplier;
  /**
   * True for a DSL store whose type the user did not choose: `default.dsl.store` decides when the topology is
   * built (see withDslStoreType).
   */
  readonly followsDefaultDslStore: boolean;
  readonly loggingEnabled: boolean;
  readonly logConfig: Readonly<Record<string, string>>;
  readonly keySerde: SerdeLike<K> | undefined;
  readonly valueSerde: SerdeLike<V> | undefined;

  constructor(
    supplier: KeyValueStoreSupplier,
    keySerde: SerdeLike<K> | undefined,
    valueSerde: SerdeLike<V> | undefined,
    loggingEnabled = true,
    logConfig: Readonly<Record<string, string>> = {},
    followsDefaultDslStore = false,
  ) {
    this.name = supplier.name;
    this.supplier = supplier;
    this.followsDefaultDslStore = followsDefaultDslStore;
    this.keySerde = keySerde;
    this.valueSerde = valueSerde;
    this.loggingEnabled = loggingEnabled;
    this.logConfig = logConfig;
  }

  withLoggingEnabled(config: Readonly<Record<string, string>> = {}): KeyValueStoreBuilder<K, V> {
    return new KeyValueStoreBuilder(
      this.supplier,
      this.keySerde,
      this.valueSerde,
      true,
      config,
      this.followsDefaultDslStore,
    );
  }

  withLoggingDisabled(): KeyValueStoreBuilder<K, V> {
    return new KeyValueStoreBuilder(
      this.supplier,
      this.keySerde,
      this.valueSerde,
      false,
      {},
      this.followsDefaultDslStore,
    );
  }

  /** This builder with the store type `default.dsl.store` names, when the DSL chose none; otherwise itself. */
  withDslStoreType(type: DslStoreType): KeyValueStoreBuilder<K, V> {
    if (!this.followsDefaultDslStore) return this;
    const kind = type === 'rocksDB' ? 'persistent' : 'in-memory';
    return new KeyValueStoreBuilder(
      { name: this.name, kind },
      this.keySerde,
      this.valueSerde,
      this.loggingEnabled,
      this.logConfig,
      false,
    );
  }

  withCachingEnabled(): KeyValueStoreBuilder<K, V> {
    return this;
  }

  withCachingDisabled(): KeyValueStoreBuilder<K, V> {
    return this;
  }

  build(): InMemoryKeyValueStore<K, V> | PersistentKeyValueStore<K, V> {
    if (this.supplier.kind === 'persistent')
      return new PersistentKeyValueStore<K, V>(this.name, this.keySerde, this.valueSerde);
    return new InMemoryKeyValueStore<K, V>(this.name, this.keySerde, this.valueSerde);
  }
}
