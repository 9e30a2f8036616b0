/**
 * What kind of store an object is, told by the methods it has (the stores share no runtime base class):
 * session stores find sessions, window stores fetch by time, key-value stores get and range (timestamped ones
 * also keep the record timestamp). Also reads the store's resolved key serde, which interactive queries need
 * to order keys across partitions and to find the partition that owns a key.
 */
import type { SerdeLike } from '../processor/internals/serde-like.ts';

export type StoreKind = 'session' | 'window' | 'timestampedWindow' | 'timestampedKeyValue' | 'keyValue' | 'other';

export function storeKindOf(store: unknown): StoreKind {
  if (store === null || typeof store !== 'object') return 'other';
  const has = (method: string) => typeof (store as Record<string, unknown>)[method] === 'function';
  if (has('findSessions')) return 'session';
  if (has('fetchAll') && has('fetch')) return has('fetchWithTimestamps') ? 'timestampedWindow' : 'window';
  if (has('get') && has('range') && has('all')) return has('getWithTimestamp') ? 'timestampedKeyValue' : 'keyValue';
  return 'other';
}

/** Kafka Streams' names of the store types, for messages and GET /stores. */
export const STORE_KIND_NAMES: Readonly<Record<StoreKind, string>> = {
  session: 'sessionStore',
  window: 'windowStore',
  timestampedWindow: 'timestampedWindowStore',
  timestampedKeyValue: 'timestampedKeyValueStore',
  keyValue: 'keyValueStore',
  other: 'other',
};

/**
 * The store's key serde, once the store is initialized: a store may expose `keySerdeForQueries()`; the
 * built-in in-memory stores keep it in their `keySerde` field. Undefined when neither is there (the caller
 * then falls back to `default.key.serde`).
 */
export function storeKeySerde(store: unknown): SerdeLike<unknown> | undefined {
  if (store === null || typeof store !== 'object') return undefined;
  const candidate = store as { keySerdeForQueries?: () => SerdeLike<unknown>; keySerde?: unknown };
  if (typeof candidate.keySerdeForQueries === 'function') return candidate.keySerdeForQueries();
  const field = candidate.keySerde as SerdeLike<unknown> | undefined;
  return field !== undefined && typeof field?.serializer === 'function' ? field : undefined;
}
