/**
 * Describes a session store to create once per task (Java's `SessionStoreBuilder`): name, retention, serdes
 * and logging. Its changelog gets Java's windowed changelog configs (`WindowedChangelogTopicConfig`):
 * `cleanup.policy=compact,delete` and `retention.ms` = retention + `windowstore.changelog.additional.retention.ms`
 * (one day by default), unless the given log config sets them.
 */
import type { SerdeLike } from '../processor/internals/serde-like.ts';
import { InMemorySessionStore } from './in-memory-session-store.ts';
import { PersistentSessionStore } from './persistent-session-store.ts';
import type { DslStoreType, StoreBuilder } from './store-builder.ts';

/** Java's `windowstore.changelog.additional.retention.ms` default: slack for clock drift. */
const DEFAULT_ADDITIONAL_RETENTION_MS = 86_400_000;

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

export class SessionStoreBuilder<K, AGG>
  implements StoreBuilder<InMemorySessionStore<K, AGG> | PersistentSessionStore<K, AGG>>
{
  readonly name: string;
  readonly supplier: SessionStoreSupplier;
  /** True for a DSL store whose type the user did not choose: `default.dsl.store` decides (see withDslStoreType). */
  readonly followsDefaultDslStore: boolean;
  readonly loggingEnabled: boolean;
  readonly keySerde: SerdeLike<K> | undefined;
  readonly valueSerde: SerdeLike<AGG> | undefined;
  private readonly userLogConfig: Readonly<Record<string, string>>;

  constructor(
    supplier: SessionStoreSupplier,
    keySerde: SerdeLike<K> | undefined,
    valueSerde: SerdeLike<AGG> | undefined,
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

  /** The changelog's topic configs for this streams config (read by the topology builder). */
  changelogConfigs(streamsConfig: Readonly<Record<string, unknown>>): Record<string, string> {
    if (!this.loggingEnabled) return {};
    const configs: Record<string, string> = { 'cleanup.policy': 'compact,delete', ...this.userLogConfig };
    if (configs['retention.ms'] === undefined) {
      const setting = streamsConfig['windowstore.changelog.additional.retention.ms'];
      const additional = setting === undefined ? DEFAULT_ADDITIONAL_RETENTION_MS : Number(setting);
      configs['retention.ms'] = String(this.supplier.retentionPeriod + additional);
    }
    return configs;
  }

  withLoggingEnabled(config: Readonly<Record<string, string>> = {}): SessionStoreBuilder<K, AGG> {
    return new SessionStoreBuilder(
      this.supplier,
      this.keySerde,
      this.valueSerde,
      true,
      config,
      this.followsDefaultDslStore,
    );
  }

  withLoggingDisabled(): SessionStoreBuilder<K, AGG> {
    return new SessionStoreBuilder(
      this.supplier,
      this.keySerde,
      this.valueSerde,
      false,
      {},
      this.followsDefaultDslStore,
    );
  }

  /** This builder with the store type `default.dsl.store` names, when the DSL chose none; otherwise itself. */
  withDslStoreType(type: DslStoreType): SessionStoreBuilder<K, AGG> {
    if (!this.followsDefaultDslStore) return this;
    const kind = type === 'rocksDB' ? 'persistent' : 'in-memory';
    return new SessionStoreBuilder(
      { ...this.supplier, kind },
      this.keySerde,
      this.valueSerde,
      this.loggingEnabled,
      this.userLogConfig,
      false,
    );
  }

  /** Accepted for compatibility: Tributary's stores do not cache (every update is forwarded). */
  withCachingEnabled(): SessionStoreBuilder<K, AGG> {
    return this;
  }

  withCachingDisabled(): SessionStoreBuilder<K, AGG> {
    return this;
  }

  build(): InMemorySessionStore<K, AGG> | PersistentSessionStore<K, AGG> {
    const Store = this.supplier.kind === 'persistent' ? PersistentSessionStore : InMemorySessionStore;
    return new Store<K, AGG>(this.name, this.supplier.retentionPeriod, this.keySerde, this.valueSerde);
  }
}
