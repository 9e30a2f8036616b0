/**
 * Describes a session store to create once per task (Java's `SessionStoreBuilder`): name, retention, serdes
 * and logging. Its changelog gets Java's windowed changelog configs (`WindowedChangelogTopicConfig`):
 * `cleanup.policy=compact,delete` and `retention.ms` = retention + `windowstore.changelog.additional.retention.ms`
 * (one day by default), unless the given log config sets them.
 */
import { InMemorySessionStore } from './in-memory-session-store.ts';
import { AbstractStoreBuilder } from './internals/abstract-store-builder.ts';
import { windowedChangelogConfigs } from './internals/windowed-changelog-configs.ts';
import { PersistentSessionStore } from './persistent-session-store.ts';
import type { DslStoreType } from './store-builder.ts';

/** How a session store is made (Java's `SessionBytesStoreSupplier`): in memory, or persistent (LMDB under `state.dir`). */
export interface SessionStoreSupplier {
  readonly name: string;
  readonly kind: 'in-memory' | 'persistent';
  /** Milliseconds a session is kept after its end (measured in stream time). */
  readonly retentionPeriod: number;
}

/** A session store supplier: a retention period and no window size (what tells it from the other suppliers). */
export function isSessionStoreSupplier(value: unknown): value is SessionStoreSupplier {
  if (typeof value !== 'object' || value === null) return false;
  const supplier = value as Partial<SessionStoreSupplier> & { windowSize?: unknown };
  return (
    (supplier.kind === 'in-memory' || supplier.kind === 'persistent') &&
    typeof supplier.retentionPeriod === 'number' &&
    supplier.windowSize === undefined
  );
}

export class SessionStoreBuilder<K, AGG> extends AbstractStoreBuilder<
  K,
  AGG,
  SessionStoreSupplier,
  InMemorySessionStore<K, AGG> | PersistentSessionStore<K, AGG>,
  SessionStoreBuilder<K, AGG>
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
    if (!this.loggingEnabled) return {};
    return windowedChangelogConfigs(this.userLogConfig, this.supplier.retentionPeriod, streamsConfig);
  }

  protected supplierKindFor(type: DslStoreType): SessionStoreSupplier['kind'] {
    return type === 'rocksDB' ? 'persistent' : 'in-memory';
  }

  build(): InMemorySessionStore<K, AGG> | PersistentSessionStore<K, AGG> {
    const Store = this.supplier.kind === 'persistent' ? PersistentSessionStore : InMemorySessionStore;
    return new Store<K, AGG>(this.name, this.supplier.retentionPeriod, this.keySerde, this.valueSerde);
  }
}
