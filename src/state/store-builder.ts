/**
 * Describes a store to create once per task (Java's `StoreBuilder`): its name, serdes and whether its changes
 * are logged to a changelog topic (`<application.id>-<name>-changelog`, compacted).
 */
import type { SerdeLike } from '../processor/internals/serde-like.ts';
import { InMemoryKeyValueStore } from './in-memory-key-value-store.ts';
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

/** How a key-value store is made (Java's `KeyValueBytesStoreSupplier`); only in-memory exists for now. */
export interface KeyValueStoreSupplier {
  readonly name: string;
  readonly kind: 'in-memory';
}

export class KeyValueStoreBuilder<K, V> implements StoreBuilder<InMemoryKeyValueStore<K, V>> {
  readonly name: string;
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
  ) {
    this.name = supplier.name;
    this.keySerde = keySerde;
    this.valueSerde = valueSerde;
    this.loggingEnabled = loggingEnabled;
    this.logConfig = logConfig;
  }

  withLoggingEnabled(config: Readonly<Record<string, string>> = {}): KeyValueStoreBuilder<K, V> {
    return new KeyValueStoreBuilder(
      { name: this.name, kind: 'in-memory' },
      this.keySerde,
      this.valueSerde,
      true,
      config,
    );
  }

  withLoggingDisabled(): KeyValueStoreBuilder<K, V> {
    return new KeyValueStoreBuilder({ name: this.name, kind: 'in-memory' }, this.keySerde, this.valueSerde, false, {});
  }

  withCachingEnabled(): KeyValueStoreBuilder<K, V> {
    return this;
  }

  withCachingDisabled(): KeyValueStoreBuilder<K, V> {
    return this;
  }

  build(): InMemoryKeyValueStore<K, V> {
    return new InMemoryKeyValueStore<K, V>(this.name, this.keySerde, this.valueSerde);
  }
}
