/**
 * Describes a window store to create once per task (Java's `WindowStoreBuilder` and
 * `TimestampedWindowStoreBuilder` over an in-memory `WindowBytesStoreSupplier`). Its changelog is compacted
 * and deleted by time (`cleanup.policy=compact,delete`) with `retention.ms` = the store's retention plus
 * `windowstore.changelog.additional.retention.ms` (one day by default), unless the log config sets it.
 */
import { InMemoryWindowStore } from './in-memory-window-store.ts';
import { AbstractStoreBuilder } from './internals/abstract-store-builder.ts';
import { windowedChangelogConfigs } from './internals/windowed-changelog-configs.ts';
import { PersistentWindowStore } from './persistent-window-store.ts';
import type { DslStoreType } from './store-builder.ts';

export { DEFAULT_WINDOW_CHANGELOG_ADDITIONAL_RETENTION_MS } from './internals/windowed-changelog-configs.ts';

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

export class WindowStoreBuilder<K, V> extends AbstractStoreBuilder<
  K,
  V,
  WindowStoreSupplier,
  InMemoryWindowStore<K, V> | PersistentWindowStore<K, V>,
  WindowStoreBuilder<K, V>
> {
  get retentionPeriod(): number {
    return this.supplier.retentionPeriod;
  }

  /** The changelog's topic configs with the default additional retention (one day). */
  override get logConfig(): Readonly<Record<string, string>> {
    return this.changelogConfigs({});
  }

  /** The changelog's topic configs for this streams config (read by the topology builder). */
  changelogConfigs(streamsConfig: Readonly<Record<string, unknown>>): Record<string, string> {
    return windowedChangelogConfigs(this.userLogConfig, this.supplier.retentionPeriod, streamsConfig);
  }

  protected supplierKindFor(type: DslStoreType): WindowStoreSupplier['kind'] {
    return type === 'rocksDB' ? 'persistent-window' : 'in-memory-window';
  }

  build(): InMemoryWindowStore<K, V> | PersistentWindowStore<K, V> {
    const { name, retentionPeriod, windowSize, retainDuplicates, kind } = this.supplier;
    const Store = kind === 'persistent-window' ? PersistentWindowStore : InMemoryWindowStore;
    return new Store<K, V>(name, retentionPeriod, windowSize, retainDuplicates, this.keySerde, this.valueSerde);
  }
}
