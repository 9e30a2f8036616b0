/**
 * The in-memory key-value store (Java's `InMemoryKeyValueStore` wrapped in its change-logging and metered
 * layers): typed values kept in a Map keyed by the serialized key, so two keys are the same when their bytes
 * are (as in Java). Every change is remembered until the next flush, when the latest value of each changed key
 * goes to the changelog topic (compacted, so only the latest value per key matters for restoration).
 */

import type { SerdeLike } from '../processor/internals/serde-like.ts';
import { resolveSerde } from '../processor/internals/serde-resolution.ts';
import type { RecordCollector, RestoreRecord } from '../processor/internals/task-contract.ts';
import { integerSerde, longSerde, shortSerde } from '../serdes/primitive-serdes.ts';
import { stringSerde } from '../serdes/string-serde.ts';
import type { ManagedStore, StoreInitContext } from './internals/store-init-context.ts';
import type { KeyValue, TimestampedKeyValueStore, ValueAndTimestamp } from './key-value-store.ts';

/**
 * What the Map is keyed by. For the built-in number and string key serdes, the key itself: two such keys have
 * the same bytes exactly when they are equal as Map keys (for strings once lone surrogates are replaced by
 * U+FFFD, as UTF-8 encoding does), so no Buffer and no string per access. For any other serde, the serialized
 * key as a latin1 string (one char per byte), so that equal bytes mean equal keys, as in Java.
 */
type MapKey = string | number;

/** Returns the Map key of a key the serde accepts, or undefined to let the serde serialize (and judge) it. */
type NativeMapKey = (key: unknown) => MapKey | undefined;

const nativeInt32: NativeMapKey = (key) => (typeof key === 'number' && (key | 0) === key ? key : undefined);
const nativeInt16: NativeMapKey = (key) => (typeof key === 'number' && (key << 16) >> 16 === key ? key : undefined);
const nativeSafeInteger: NativeMapKey = (key) => (Number.isSafeInteger(key) ? (key as number) : undefined);
const nativeString: NativeMapKey = (key) => (typeof key === 'string' ? key.toWellFormed() : undefined);

function nativeMapKeyFor(serde: SerdeLike<unknown>): NativeMapKey | undefined {
  if (serde === integerSerde) return nativeInt32;
  if (serde === shortSerde) return nativeInt16;
  if (serde === longSerde) return nativeSafeInteger;
  if (serde === stringSerde) return nativeString;
  return undefined;
}

interface Entry<K, V> {
  readonly key: K;
  readonly keyBytes: Buffer;
  value: V;
  timestamp: number;
}

/** A change not yet written to the changelog; `deleted` entries log a tombstone. */
interface PendingChange<K, V> {
  entry: Entry<K, V>;
  deleted: boolean;
}

export class InMemoryKeyValueStore<K, V> implements TimestampedKeyValueStore<K, V>, ManagedStore {
  readonly name: string;
  readonly persistent = false;
  private readonly explicitKeySerde: SerdeLike<K> | undefined;
  private readonly explicitValueSerde: SerdeLike<V> | undefined;
  private keySerde!: SerdeLike<K>;
  private valueSerde!: SerdeLike<V>;
  private readonly entries = new Map<MapKey, Entry<K, V>>();
  private readonly pending = new Map<MapKey, PendingChange<K, V>>();
  private nativeMapKey: NativeMapKey | undefined;
  private context: StoreInitContext | undefined;
  private collector: RecordCollector | undefined;
  private open = false;
  changelogTopic: string | undefined;

  constructor(name: string, keySerde?: SerdeLike<K>, valueSerde?: SerdeLike<V>) {
    this.name = name;
    this.explicitKeySerde = keySerde;
    this.explicitValueSerde = valueSerde;
  }

  init(context: StoreInitContext): void {
    const where = `store "${this.name}"`;
    const fix = 'pass Materialized.with(keySerde, valueSerde) (or the store builder serdes)';
    this.keySerde = resolveSerde(this.explicitKeySerde, context.config, 'key', where, fix);
    this.valueSerde = resolveSerde(this.explicitValueSerde, context.config, 'value', where, fix);
    this.nativeMapKey = nativeMapKeyFor(this.keySerde as SerdeLike<unknown>);
    this.context = context;
    this.changelogTopic = context.changelogTopic;
    this.collector = context.changelogTopic === undefined ? undefined : context.collector;
    this.open = true;
  }

  isOpen(): boolean {
    return this.open;
  }

  // The last serialized primitive key: an aggregation reads and then writes the same key, so this halves the
  // serialization work on the hot path. Objects are not remembered (they could change between calls).
  private lastKey: unknown = undefined;
  private lastKeyBytes: Buffer | undefined;
  private lastMapKey = '';

  private serializeKey(key: K): Buffer {
    if (key === this.lastKey && this.lastKeyBytes !== undefined) return this.lastKeyBytes;
    const bytes = this.keySerde.serializer(this.changelogTopic ?? this.name, key);
    if (bytes === null) throw new TypeError(`store "${this.name}" does not accept a null key`);
    if (typeof key !== 'object') {
      this.lastKey = key;
      this.lastKeyBytes = bytes;
      this.lastMapKey = bytes.toString('latin1');
    } else {
      this.lastKeyBytes = undefined;
    }
    return bytes;
  }

  private mapKeyOf(key: K): MapKey {
    const native = this.nativeMapKey?.(key);
    if (native !== undefined) return native;
    const bytes = this.serializeKey(key);
    return bytes === this.lastKeyBytes ? this.lastMapKey : bytes.toString('latin1');
  }

  /** The Map key of a key read back from the changelog, when the Map is keyed natively. */
  private nativeMapKeyOf(key: K): MapKey {
    const native = (this.nativeMapKey as NativeMapKey)(key);
    if (native === undefined)
      throw new TypeError(`store "${this.name}": the changelog holds a key its serde cannot use`);
    return native;
  }

  getWithTimestamp(key: K): ValueAndTimestamp<V> | undefined {
    const entry = this.entries.get(this.mapKeyOf(key));
    return entry === undefined ? undefined : { value: entry.value, timestamp: entry.timestamp };
  }

  get(key: K): V | undefined {
    return this.entries.get(this.mapKeyOf(key))?.value;
  }

  put(key: K, value: V | null | undefined): void {
    this.putWithTimestamp(key, value, this.context === undefined ? Date.now() : this.context.currentTimestamp());
  }

  putWithTimestamp(key: K, value: V | null | undefined, timestamp: number): void {
    const native = this.nativeMapKey?.(key);
    // Natively keyed: the key is serialized only when a new entry needs its bytes (for the changelog).
    const keyBytes = native === undefined ? this.serializeKey(key) : undefined;
    const mapKey =
      native ?? (keyBytes === this.lastKeyBytes ? this.lastMapKey : (keyBytes as Buffer).toString('latin1'));
    if (value === null || value === undefined) {
      this.deleteMapKey(mapKey, key, keyBytes, timestamp);
      return;
    }
    let entry = this.entries.get(mapKey);
    if (entry === undefined) {
      entry = { key, keyBytes: keyBytes ?? this.serializeKey(key), value, timestamp };
      this.entries.set(mapKey, entry);
    } else {
      entry.value = value;
      entry.timestamp = timestamp;
    }
    if (this.collector !== undefined) this.markChanged(mapKey, entry, false);
  }

  private markChanged(mapKey: MapKey, entry: Entry<K, V>, deleted: boolean): void {
    const change = this.pending.get(mapKey);
    if (change === undefined) this.pending.set(mapKey, { entry, deleted });
    else {
      change.entry = entry;
      change.deleted = deleted;
    }
  }

  private deleteMapKey(mapKey: MapKey, key: K, keyBytes: Buffer | undefined, timestamp: number): V | undefined {
    const previous = this.entries.get(mapKey);
    if (previous !== undefined) this.entries.delete(mapKey);
    if (this.collector !== undefined) {
      const bytes = keyBytes ?? previous?.keyBytes ?? this.serializeKey(key);
      this.markChanged(mapKey, { key, keyBytes: bytes, value: undefined as V, timestamp }, true);
    }
    return previous?.value;
  }

  putIfAbsent(key: K, value: V): V | undefined {
    const previous = this.get(key);
    if (previous === undefined) this.put(key, value);
    return previous;
  }

  putAll(entries: readonly KeyValue<K, V>[]): void {
    for (const { key, value } of entries) this.put(key, value);
  }

  delete(key: K): V | undefined {
    const timestamp = this.context === undefined ? Date.now() : this.context.currentTimestamp();
    const native = this.nativeMapKey?.(key);
    if (native !== undefined) return this.deleteMapKey(native, key, undefined, timestamp);
    const keyBytes = this.serializeKey(key);
    return this.deleteMapKey(keyBytes.toString('latin1'), key, keyBytes, timestamp);
  }

  private sortedEntries(from: K | undefined, to: K | undefined, reverse: boolean): KeyValue<K, V>[] {
    const lower = from === undefined ? undefined : this.serializeKey(from);
    const upper = to === undefined ? undefined : this.serializeKey(to);
    const selected: Entry<K, V>[] = [];
    for (const entry of this.entries.values()) {
      if (lower !== undefined && Buffer.compare(entry.keyBytes, lower) < 0) continue;
      if (upper !== undefined && Buffer.compare(entry.keyBytes, upper) > 0) continue;
      selected.push(entry);
    }
    // Unsigned byte order of the serialized keys, as Java's in-memory store (a TreeMap of Bytes) iterates.
    selected.sort((a, b) => Buffer.compare(a.keyBytes, b.keyBytes));
    if (reverse) selected.reverse();
    return selected.map((entry) => ({ key: entry.key, value: entry.value }));
  }

  range(from: K | undefined, to: K | undefined): KeyValue<K, V>[] {
    return this.sortedEntries(from, to, false);
  }

  reverseRange(from: K | undefined, to: K | undefined): KeyValue<K, V>[] {
    return this.sortedEntries(from, to, true);
  }

  all(): KeyValue<K, V>[] {
    return this.sortedEntries(undefined, undefined, false);
  }

  reverseAll(): KeyValue<K, V>[] {
    return this.sortedEntries(undefined, undefined, true);
  }

  approximateNumEntries(): number {
    return this.entries.size;
  }

  restoreBatch(records: readonly RestoreRecord[]): void {
    const topic = this.changelogTopic ?? this.name;
    for (const record of records) {
      if (record.key === null) continue;
      // Natively keyed, the Map key is the deserialized key; otherwise the bytes, and a tombstone needs no key.
      const key =
        this.nativeMapKey === undefined && record.value === null
          ? undefined
          : this.keySerde.deserializer(topic, record.key);
      const mapKey = this.nativeMapKey === undefined ? record.key.toString('latin1') : this.nativeMapKeyOf(key as K);
      if (record.value === null) {
        this.entries.delete(mapKey);
        continue;
      }
      const value = this.valueSerde.deserializer(topic, record.value);
      // A copy: the fetched key is a view into a whole fetch response, which a kept view would pin in memory.
      this.entries.set(mapKey, {
        key: key as K,
        keyBytes: Buffer.from(record.key),
        value,
        timestamp: record.timestamp,
      });
    }
  }

  flush(): void {
    const collector = this.collector;
    if (collector === undefined || this.pending.size === 0) return;
    const topic = this.changelogTopic!;
    const partition = this.context!.partition;
    for (const change of this.pending.values()) {
      const entry = change.entry;
      collector.send({
        topic,
        partition,
        key: entry.keyBytes,
        value: change.deleted ? null : this.valueSerde.serializer(topic, entry.value),
        timestamp: entry.timestamp,
        headers: [],
      });
    }
    this.pending.clear();
  }

  close(): void {
    this.open = false;
    this.entries.clear();
    this.pending.clear();
  }
}
