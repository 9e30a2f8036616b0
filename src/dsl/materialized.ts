/**
 * How a table is stored (Java's `Materialized`): store name (which also names its changelog
 * `<application.id>-<store>-changelog`), serdes, and whether changes are logged. Pass a plain object
 * (`{ storeName: 'counts' }`) or chain like Java: `Materialized.as('counts').withValueSerde(Serdes.Long())`.
 */
import type { SerdeLike } from '../processor/internals/serde-like.ts';
import { isSessionStoreSupplier, type SessionStoreSupplier } from '../state/session-store-builder.ts';
import type { KeyValueStoreSupplier } from '../state/store-builder.ts';
import { isWindowStoreSupplier, type WindowStoreSupplier } from '../state/window-store-builder.ts';
import { validateName } from './named.ts';

export interface Materialized<K, V> {
  readonly storeName?: string;
  /**
   * The store to use (`Materialized.as(Stores.persistentKeyValueStore('counts'))`); without it the store is
   * the type `default.dsl.store` names.
   */
  readonly storeSupplier?: KeyValueStoreSupplier;
  /** The window store of a windowed aggregation (`Materialized.as(Stores.inMemoryWindowStore(...))`). */
  readonly windowStoreSupplier?: WindowStoreSupplier;
  /** The session store of a session aggregation (`Materialized.as(Stores.persistentSessionStore(...))`). */
  readonly sessionStoreSupplier?: SessionStoreSupplier;
  readonly keySerde?: SerdeLike<K>;
  readonly valueSerde?: SerdeLike<V>;
  /** Default true: changes go to a compacted changelog topic. */
  readonly loggingEnabled?: boolean;
  readonly logConfig?: Readonly<Record<string, string>>;
  /** Windowed stores only: how long (ms of stream time) windows are kept; default and minimum: size + grace. */
  readonly retention?: number;
}

/** The chainable form returned by `Materialized.as/with`. */
export class MaterializedBuilder<K, V> implements Materialized<K, V> {
  readonly storeName?: string;
  readonly storeSupplier?: KeyValueStoreSupplier;
  readonly windowStoreSupplier?: WindowStoreSupplier;
  readonly sessionStoreSupplier?: SessionStoreSupplier;
  readonly keySerde?: SerdeLike<K>;
  readonly valueSerde?: SerdeLike<V>;
  readonly loggingEnabled?: boolean;
  readonly logConfig?: Readonly<Record<string, string>>;
  readonly retention?: number;

  constructor(options: Materialized<K, V>) {
    Object.assign(this, options);
  }

  withKeySerde<K2>(keySerde: SerdeLike<K2>): MaterializedBuilder<K2, V> {
    return new MaterializedBuilder<K2, V>({ ...(this as Materialized<never, V>), keySerde });
  }

  withValueSerde<V2>(valueSerde: SerdeLike<V2>): MaterializedBuilder<K, V2> {
    return new MaterializedBuilder<K, V2>({ ...(this as Materialized<K, never>), valueSerde });
  }

  /** Logs changes to the changelog topic, with extra topic configs. */
  withLoggingEnabled(logConfig: Readonly<Record<string, string>> = {}): MaterializedBuilder<K, V> {
    return new MaterializedBuilder<K, V>({ ...this, loggingEnabled: true, logConfig });
  }

  /** No changelog: the store starts empty after a restart or a task move. */
  withLoggingDisabled(): MaterializedBuilder<K, V> {
    return new MaterializedBuilder<K, V>({ ...this, loggingEnabled: false });
  }

  /** For windowed stores: keep windows for `retentionMs` of stream time (Java's `withRetention`). */
  withRetention(retentionMs: number): MaterializedBuilder<K, V> {
    if (!Number.isSafeInteger(retentionMs) || retentionMs < 0)
      throw new RangeError(
        `Materialized.withRetention needs a non-negative integer of milliseconds, got ${retentionMs}`,
      );
    return new MaterializedBuilder<K, V>({ ...this, retention: retentionMs });
  }

  /** Accepted for compatibility: Tributary's stores forward every update (no record cache). */
  withCachingEnabled(): MaterializedBuilder<K, V> {
    return this;
  }

  withCachingDisabled(): MaterializedBuilder<K, V> {
    return this;
  }
}

/**
 * A store name, or a store supplier (`Stores.persistentKeyValueStore('counts')`, which also names the store).
 * Without type arguments the result fits any Materialized<K, V>; give them (`Materialized.as<string, Order>(...)`)
 * to pin it.
 */
type AnyStoreSupplier = KeyValueStoreSupplier | WindowStoreSupplier | SessionStoreSupplier;

function materializedAs(store: string | AnyStoreSupplier): MaterializedBuilder<never, never>;
function materializedAs<K, V>(store: string | AnyStoreSupplier): MaterializedBuilder<K, V>;
function materializedAs(store: string | AnyStoreSupplier): MaterializedBuilder<unknown, unknown> {
  if (isSessionStoreSupplier(store))
    return new MaterializedBuilder({ storeName: validateName(store.name, 'store'), sessionStoreSupplier: store });
  if (isWindowStoreSupplier(store))
    return new MaterializedBuilder({ storeName: validateName(store.name, 'store'), windowStoreSupplier: store });
  if (typeof store === 'object' && store !== null && typeof store.name === 'string')
    return new MaterializedBuilder({
      storeName: validateName(store.name, 'store'),
      storeSupplier: store as KeyValueStoreSupplier,
    });
  return new MaterializedBuilder({ storeName: validateName(store as string, 'store') });
}

export const Materialized = {
  as: materializedAs,
  with<K, V>(keySerde: SerdeLike<K> | undefined, valueSerde: SerdeLike<V> | undefined): MaterializedBuilder<K, V> {
    return new MaterializedBuilder({ keySerde, valueSerde });
  },
} as const;
