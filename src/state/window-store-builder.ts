/**
 * Describes a window store to create once per task (Java's `WindowStoreBuilder` and
 * `TimestampedWindowStoreBuilder` over an in-memory `WindowBytesStoreSupplier`). Its changelog is compacted
 * and deleted by time (`cleanup.policy=compact,delete`) with `retention.ms` = the store's retention plus
 * `windowstore.changelog.additional.retention.ms` (one day by default), unless the log config sets it.
 */
import type { SerdeLike } from '../processor/internals/serde-like.ts';
import { InMemoryWindowStore } from './in-memory-window-store.ts';
import { PersistentWindowStore } from './persistent-window-store.ts';
import type { DslStoreType, StoreBuilder } from './store-builder.ts';

/** Java's default for `windowstore.changelog.additional.retention.ms`: one day. */
export const DEFAULT_WINDOW_CHANGELOG_ADDITIONAL_RETENTION_MS = 86_400_000;

/** How a window store is made (Java's `WindowBytesStoreSupplier`): in memory, or persistent (LMDB under `state.dir`). */
export interface WindowStoreSupplier {
  readonly name: string;
  readonly kind: 'in-memory-window' | 'persistent-window';
  readonly retentionPeriod: number;
  readonly windowSize: number;
  readonly retainDuplicates: boolean;
}

export function isWindowStoreSupplier(value: unknown): value is WindowStoreSupplier {
  const kind = typeof value === 'object' && value !== null ? (value as WindowStoreSupplier).kind : undefined;
  return kind === 'in-memory-window' || kind === 'persistent-window';
}

export class WindowStoreBuilder<K, V> implements StoreBuilder<InMemoryWindowStore<K, V> | PersistentWindowStore<K, V>> {
  readonly name: string;
  readonly supplier: WindowStoreSupplier;
  /** True for a DSL store whose type the user did not choose: `default.dsl.store` decides (see withDslStoreType). */
  readonly followsDefaultDslStore: boolean;
  readonly loggingEnabled: boolean;
  /** The user's topic configs for the changelog (see changelogConfigs for what the topic gets). */
  readonly userLogConfig: Readonly<Record<string, string>>;
  readonly keySerde: SerdeLike<K> | undefined;
  readonly valueSerde: SerdeLike<V> | undefined;

  constructor(
    supplier: WindowStoreSupplier,
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
    this.userLogConfig = logConfig;
  }

  get retentionPeriod(): number {
    return this.supplier.retentionPeriod;
  }

  /** The changelog's topic configs with the default additional retention (one day). */
  get logConfig(): Readonly<Record<string, string>> {
    return this.changelogConfigs({});
  }

  /**
   * The changelog's topic configs (Java's `WindowedChangelogTopicConfig`): library defaults, then the user's,
   * then `retention.ms` = retention + additional retention unless the user set it.
   */
  changelogConfigs(streamsConfig: Readonly<Record<string, unknown>>): Record<string, string> {
    const configs: Record<string, string> = { 'cleanup.policy': 'compact,delete', ...this.userLogConfig };
    if (configs['retention.ms'] === undefined) {
      const setting = streamsConfig['windowstore.changelog.additional.retention.ms'];
      const additional = setting === undefined ? DEFAULT_WINDOW_CHANGELOG_ADDITIONAL_RETENTION_MS : Number(setting);
      if (!Number.isSafeInteger(additional) || additional < 0)
        throw new RangeError(
          `config "windowstore.changelog.additional.retention.ms" must be a non-negative integer, got ${String(setting)}`,
        );
      configs['retention.ms'] = String(this.supplier.retentionPeriod + additional);
    }
    return configs;
  }

  withLoggingEnabled(config: Readonly<Record<string, string>> = {}): WindowStoreBuilder<K, V> {
    return new WindowStoreBuilder(
      this.supplier,
      this.keySerde,
      this.valueSerde,
      true,
      config,
      this.followsDefaultDslStore,
    );
  }

  withLoggingDisabled(): WindowStoreBuilder<K, V> {
    return new WindowStoreBuilder(
      this.supplier,
      this.keySerde,
      this.valueSerde,
      false,
      {},
      this.followsDefaultDslStore,
    );
  }

  /** This builder with the store type `default.dsl.store` names, when the DSL chose none; otherwise itself. */
  withDslStoreType(type: DslStoreType): WindowStoreBuilder<K, V> {
    if (!this.followsDefaultDslStore) return this;
    const kind = type === 'rocksDB' ? 'persistent-window' : 'in-memory-window';
    return new WindowStoreBuilder(
      { ...this.supplier, kind },
      this.keySerde,
      this.valueSerde,
      this.loggingEnabled,
      this.userLogConfig,
      false,
    );
  }

  /** Accepted for compatibility; Tributary's in-memory stores do not cache (every update is forwarded). */
  withCachingEnabled(): WindowStoreBuilder<K, V> {
    return this;
  }

  withCachingDisabled(): WindowStoreBuilder<K, V> {
    return this;
  }

  build(): InMemoryWindowStore<K, V> | PersistentWindowStore<K, V> {
    const { name, retentionPeriod, windowSize, retainDuplicates, kind } = this.supplier;
    const Store = kind === 'persistent-window' ? PersistentWindowStore : InMemoryWindowStore;
    return new Store<K, V>(name, retentionPeriod, windowSize, retainDuplicates, this.keySerde, this.valueSerde);
  }
}
