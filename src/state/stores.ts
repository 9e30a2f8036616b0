/** Factory for store suppliers and builders (Java's `Stores`). */
import type { SerdeLike } from '../processor/internals/serde-like.ts';
import { SessionStoreBuilder, type SessionStoreSupplier } from './session-store-builder.ts';
import { KeyValueStoreBuilder, type KeyValueStoreSupplier } from './store-builder.ts';
import { WindowStoreBuilder, type WindowStoreSupplier } from './window-store-builder.ts';

function checkMillis(store: string, what: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(
      `window store "${store}": ${what} must be a non-negative integer of milliseconds, got ${value}`,
    );
  return value;
}

export const Stores = {
  /** An in-memory key-value store; its changes are logged to a changelog topic unless logging is disabled. */
  inMemoryKeyValueStore(name: string): KeyValueStoreSupplier {
    if (typeof name !== 'string' || name.length === 0) throw new TypeError('a store needs a non-empty name');
    return { name, kind: 'in-memory' };
  },
  /**
   * A persistent key-value store (Java's RocksDB store; here LMDB) in `<state.dir>/<application.id>/<task>/<name>`:
   * a restarted instance restores only the changelog after its checkpoint.
   */
  persistentKeyValueStore(name: string): KeyValueStoreSupplier {
    if (typeof name !== 'string' || name.length === 0) throw new TypeError('a store needs a non-empty name');
    return { name, kind: 'persistent' };
  },
  /** Same as persistentKeyValueStore: every persistent store keeps a timestamp per value. */
  persistentTimestampedKeyValueStore(name: string): KeyValueStoreSupplier {
    if (typeof name !== 'string' || name.length === 0) throw new TypeError('a store needs a non-empty name');
    return { name, kind: 'persistent' };
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
  /**
   * An in-memory window store keeping windows of `windowSize` ms for `retentionPeriod` ms of stream time
   * (both in milliseconds); `retainDuplicates` keeps every put (stream-stream joins) instead of the latest.
   */
  inMemoryWindowStore(
    name: string,
    retentionPeriod: number,
    windowSize: number,
    retainDuplicates: boolean,
  ): WindowStoreSupplier {
    if (typeof name !== 'string' || name.length === 0) throw new TypeError('a store needs a non-empty name');
    checkMillis(name, 'retentionPeriod', retentionPeriod);
    checkMillis(name, 'windowSize', windowSize);
    if (windowSize > retentionPeriod)
      throw new RangeError(
        `The retention period of the window store ${name} must be no smaller than its window size. Got size=[${windowSize}], retention=[${retentionPeriod}]`,
      );
    return { name, kind: 'in-memory-window', retentionPeriod, windowSize, retainDuplicates: retainDuplicates === true };
  },
  /**
   * A persistent window store (Java's RocksDB window store; here LMDB) in `<state.dir>/<application.id>/<task>/<name>`,
   * with the in-memory window store's semantics; a restarted instance restores only the changelog after its checkpoint.
   */
  persistentWindowStore(
    name: string,
    retentionPeriod: number,
    windowSize: number,
    retainDuplicates: boolean,
  ): WindowStoreSupplier {
    return {
      ...Stores.inMemoryWindowStore(name, retentionPeriod, windowSize, retainDuplicates),
      kind: 'persistent-window',
    };
  },
  /** Same as persistentWindowStore: every window store keeps a timestamp per value. */
  persistentTimestampedWindowStore(
    name: string,
    retentionPeriod: number,
    windowSize: number,
    retainDuplicates: boolean,
  ): WindowStoreSupplier {
    return Stores.persistentWindowStore(name, retentionPeriod, windowSize, retainDuplicates);
  },
  windowStoreBuilder<K, V>(
    supplier: WindowStoreSupplier,
    keySerde?: SerdeLike<K>,
    valueSerde?: SerdeLike<V>,
  ): WindowStoreBuilder<K, V> {
    return new WindowStoreBuilder(supplier, keySerde, valueSerde);
  },
  /** Same as windowStoreBuilder: every window store keeps a timestamp per value. */
  timestampedWindowStoreBuilder<K, V>(
    supplier: WindowStoreSupplier,
    keySerde?: SerdeLike<K>,
    valueSerde?: SerdeLike<V>,
  ): WindowStoreBuilder<K, V> {
    return new WindowStoreBuilder(supplier, keySerde, valueSerde);
  },
  /** An in-memory session store keeping sessions for `retentionPeriod` ms of stream time after their end. */
  inMemorySessionStore(name: string, retentionPeriod: number): SessionStoreSupplier {
    if (typeof name !== 'string' || name.length === 0) throw new TypeError('a store needs a non-empty name');
    if (!Number.isSafeInteger(retentionPeriod) || retentionPeriod < 0)
      throw new RangeError(
        `session store "${name}": retentionPeriod must be a non-negative integer of milliseconds, got ${retentionPeriod}`,
      );
    return { name, kind: 'in-memory', retentionPeriod };
  },
  /** A persistent session store (Java's RocksDB session store; here LMDB) in `<state.dir>/<application.id>/<task>/<name>`. */
  persistentSessionStore(name: string, retentionPeriod: number): SessionStoreSupplier {
    return { ...Stores.inMemorySessionStore(name, retentionPeriod), kind: 'persistent' };
  },
  sessionStoreBuilder<K, AGG>(
    supplier: SessionStoreSupplier,
    keySerde?: SerdeLike<K>,
    valueSerde?: SerdeLike<AGG>,
  ): SessionStoreBuilder<K, AGG> {
    return new SessionStoreBuilder(supplier, keySerde, valueSerde);
  },
} as const;
