/**
 * The in-memory key-value store (Java's `InMemoryKeyValueStore` wrapped in its change-logging and metered
 * layers): typed values kept in a Map keyed by the serialized key, so two keys are the same when their bytes
 * are (as in Java). Every change is remembered until the next flush, when the latest value of each changed key
 * goes to the changelog topic (compacted, so only the latest value per key matters for restoration); past
 * {@link MAX_UNLOGGED_CHANGES} changed keys, they go before the flush.
 *
 * Compact: an entry is a slot in columns (see KeyValueSlots), found through a Map from the key (or its bytes)
 * to the slot; about 80 bytes per key, where an object per entry and a Buffer per key cost about 300.
 */

import type { RecordHeader } from '../kafka/backend.ts';
import type { SerdeLike } from '../processor/internals/serde-like.ts';
import { resolveSerde } from '../processor/internals/serde-resolution.ts';
import type { RecordCollector, RestoreRecord } from '../processor/internals/task-contract.ts';
import { KeyValueSlots } from './internals/key-value-slots.ts';
import { LastSerializedKey } from './internals/last-serialized-key.ts';
import { type MapKey, type NativeMapKey, nativeMapKeyFor, nativeString } from './internals/native-map-key.ts';
import { SplitMap } from './internals/split-map.ts';
import type { ManagedStore, StoreInitContext } from './internals/store-init-context.ts';
import type { KeyValue, TimestampedKeyValueStore, ValueAndTimestamp } from './key-value-store.ts';

/**
 * Serialized-key byte order (Java's in-memory store is a TreeMap of Bytes, compared unsigned) for natively
 * keyed numbers: big-endian two's complement bytes put the non-negative numbers first, then the negative ones,
 * each in numeric order (for any width).
 */
function compareTwosComplementBytes(a: MapKey, b: MapKey): number {
  const x = a as number;
  const y = b as number;
  if (x < 0 !== y < 0) return x < 0 ? 1 : -1;
  return x - y;
}

/**
 * UTF-16 code units rank like UTF-8 bytes, except that surrogates (code points above U+FFFF) must sort after
 * U+E000–U+FFFF: this moves them up. Enough at the first differing unit of two well-formed strings.
 */
const utf8Rank = (unit: number) => (unit < 0xd800 ? unit : unit >= 0xe000 ? unit - 0x800 : unit + 0x2000);

/** UTF-8 byte order of two well-formed strings (natively keyed strings), without encoding them. */
function compareUtf8Bytes(a: MapKey, b: MapKey): number {
  const x = a as string;
  const y = b as string;
  const length = Math.min(x.length, y.length);
  for (let i = 0; i < length; i++) {
    const unitX = x.charCodeAt(i);
    const unitY = y.charCodeAt(i);
    if (unitX !== unitY) return utf8Rank(unitX) - utf8Rank(unitY);
  }
  return x.length - y.length;
}

/** Byte order of serialized keys held as latin1 strings (one char per byte). */
function compareLatin1Bytes(a: MapKey, b: MapKey): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Changelog records carry no headers: one shared empty list rather than an array per record. */
const NO_HEADERS: readonly RecordHeader[] = Object.freeze([]);

/**
 * At most this many keys changed and not yet logged: past it, the store logs them before the commit. (Java's
 * change-logging store logs every write; its record cache, 10 MiB by default, keeps the latest value of about
 * as many keys as this until the commit or until it is full.)
 */
export const MAX_UNLOGGED_CHANGES = 65_536;

export class InMemoryKeyValueStore<K, V> implements TimestampedKeyValueStore<K, V>, ManagedStore {
  readonly name: string;
  readonly persistent = false;
  private readonly explicitKeySerde: SerdeLike<K> | undefined;
  private readonly explicitValueSerde: SerdeLike<V> | undefined;
  private keySerde!: SerdeLike<K>;
  private valueSerde!: SerdeLike<V>;
  /**
   * Map key → slot of the entry in {@link slots}. Also holds deleted keys whose tombstone is not logged yet.
   * Split over several Maps past 2^24 keys, the most one V8 Map holds.
   */
  private readonly index = new SplitMap<MapKey, number>();
  private slots = new KeyValueSlots<MapKey, K, V>(false);
  /** Deleted keys held in the index until the flush logs their tombstone. */
  private unloggedDeletions = 0;
  private nativeMapKey: NativeMapKey | undefined;
  private compareMapKeys: (a: MapKey, b: MapKey) => number = compareLatin1Bytes;
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
    this.compareMapKeys =
      this.nativeMapKey === undefined
        ? compareLatin1Bytes
        : this.nativeMapKey === nativeString
          ? compareUtf8Bytes
          : compareTwosComplementBytes;
    // Natively keyed, the key is its Map key; otherwise the key object is kept beside its bytes.
    if (this.index.size === 0) this.slots = new KeyValueSlots<MapKey, K, V>(this.nativeMapKey === undefined);
    this.context = context;
    this.changelogTopic = context.changelogTopic;
    this.collector = context.changelogTopic === undefined ? undefined : context.collector;
    this.open = true;
  }

  isOpen(): boolean {
    return this.open;
  }

  private readonly lastKey = new LastSerializedKey();

  /** The Map key of a key: the key itself when natively keyed, else its serialized bytes as latin1. */
  private mapKeyOf(key: K): MapKey {
    const native = this.nativeMapKey?.(key);
    if (native !== undefined) return native;
    const remembered = this.lastKey.bytesOf(key);
    if (remembered !== undefined) return this.lastKey.latin1Of(remembered);
    const bytes = this.keySerde.serializer(this.changelogTopic ?? this.name, key);
    if (bytes === null) throw new TypeError(`store "${this.name}" does not accept a null key`);
    if (this.nativeMapKey !== undefined) return this.nativeMapKeyOfBytes(bytes);
    this.lastKey.remember(key, bytes);
    return this.lastKey.latin1Of(bytes);
  }

  /**
   * The Map key of serialized key bytes in a natively keyed store (restore, or a key its serde accepts but
   * the native check does not): the deserialized key, so that equal bytes mean the same Map key.
   */
  private nativeMapKeyOfBytes(bytes: Buffer): MapKey {
    const native = (this.nativeMapKey as NativeMapKey)(
      this.keySerde.deserializer(this.changelogTopic ?? this.name, bytes),
    );
    if (native === undefined)
      throw new TypeError(`store "${this.name}": key bytes ${bytes.toString('hex')} do not read back as a key`);
    return native;
  }

  /** The serialized key of an entry, from its Map key. */
  private keyBytesOf(mapKey: MapKey): Buffer {
    if (this.nativeMapKey === undefined) return Buffer.from(mapKey as string, 'latin1');
    return this.keySerde.serializer(this.changelogTopic ?? this.name, mapKey as K) as Buffer;
  }

  private keyOf(slot: number): K {
    return this.nativeMapKey === undefined ? this.slots.key(slot) : (this.slots.mapKey(slot) as K);
  }

  getWithTimestamp(key: K): ValueAndTimestamp<V> | undefined {
    const slot = this.slotOf(this.mapKeyOf(key));
    if (slot === undefined) return undefined;
    const value = this.slots.value(slot);
    return value === undefined ? undefined : { value, timestamp: this.slots.timestamp(slot) };
  }

  get(key: K): V | undefined {
    const slot = this.slotOf(this.mapKeyOf(key));
    return slot === undefined ? undefined : this.slots.value(slot);
  }

  put(key: K, value: V | null | undefined): void {
    this.putWithTimestamp(key, value, this.context === undefined ? Date.now() : this.context.currentTimestamp());
  }

  putWithTimestamp(key: K, value: V | null | undefined, timestamp: number): void {
    const mapKey = this.mapKeyOf(key);
    if (value === null || value === undefined) {
      this.deleteMapKey(mapKey, key, timestamp);
      return;
    }
    let slot = this.slotOf(mapKey);
    if (slot === undefined) slot = this.addSlot(mapKey, key);
    else if (this.slots.value(slot) === undefined) this.unloggedDeletions--;
    this.slots.set(slot, value, timestamp);
    if (this.collector !== undefined) this.markChanged(slot);
  }

  // The slot of the last key looked up: an aggregation reads and then writes the same key, one Map lookup.
  private cachedMapKey: MapKey | undefined = undefined;
  private cachedSlot = 0;

  private slotOf(mapKey: MapKey): number | undefined {
    if (mapKey === this.cachedMapKey) return this.cachedSlot;
    const slot = this.index.get(mapKey);
    if (slot !== undefined) {
      this.cachedMapKey = mapKey;
      this.cachedSlot = slot;
    }
    return slot;
  }

  private freeSlot(mapKey: MapKey, slot: number): void {
    this.index.delete(mapKey);
    this.slots.free(slot);
    if (this.cachedSlot === slot) this.cachedMapKey = undefined;
  }

  private markChanged(slot: number): void {
    this.slots.markChanged(slot);
    // Bounded, like Java's record cache, which logs its oldest dirty entries when full: without a bound, a
    // commit interval over millions of new keys would hand millions of records to the producer at once.
    if (this.slots.changedCount() >= MAX_UNLOGGED_CHANGES) this.flush();
  }

  private addSlot(mapKey: MapKey, key: K): number {
    const slot = this.slots.allocate();
    this.slots.setKeys(slot, mapKey, key);
    try {
      this.index.add(mapKey, slot);
    } catch (error) {
      this.slots.free(slot);
      // A Map that refuses one more entry (below the limit SplitMap knows of, or out of memory): name the store.
      throw new RangeError(
        `store "${this.name}" cannot hold another key (it holds ${this.approximateNumEntries()}): ${(error as Error).message}; spread the keys over more partitions or use a persistent store`,
        { cause: error },
      );
    }
    this.cachedMapKey = mapKey;
    this.cachedSlot = slot;
    return slot;
  }

  private deleteMapKey(mapKey: MapKey, key: K, timestamp: number): V | undefined {
    const slot = this.slotOf(mapKey);
    const previous = slot === undefined ? undefined : this.slots.value(slot);
    if (this.collector !== undefined) {
      // Kept (with no value) until the flush logs its tombstone, in the order the key first changed.
      const held = slot ?? this.addSlot(mapKey, key);
      if (previous !== undefined || slot === undefined) this.unloggedDeletions++;
      this.slots.set(held, undefined, timestamp);
      this.markChanged(held);
    } else if (slot !== undefined) {
      this.freeSlot(mapKey, slot);
    }
    return previous;
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
    return this.deleteMapKey(this.mapKeyOf(key), key, timestamp);
  }

  private sortedEntries(from: K | undefined, to: K | undefined, reverse: boolean): KeyValue<K, V>[] {
    const lower = from === undefined ? undefined : this.mapKeyOf(from);
    const upper = to === undefined ? undefined : this.mapKeyOf(to);
    const compare = this.compareMapKeys;
    const selected: number[] = [];
    this.index.forEach((slot, mapKey) => {
      if (this.slots.value(slot) === undefined) return; // deleted, tombstone not logged yet
      if (lower !== undefined && compare(mapKey, lower) < 0) return;
      if (upper !== undefined && compare(mapKey, upper) > 0) return;
      selected.push(slot);
    });
    // The byte order of the serialized keys, as Java's in-memory store (a TreeMap of Bytes) iterates.
    const slots = this.slots;
    selected.sort((a, b) => compare(slots.mapKey(a), slots.mapKey(b)));
    if (reverse) selected.reverse();
    return selected.map((slot) => ({ key: this.keyOf(slot), value: slots.value(slot) as V }));
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
    return this.index.size - this.unloggedDeletions;
  }

  restoreBatch(records: readonly RestoreRecord[]): void {
    const topic = this.changelogTopic ?? this.name;
    for (const record of records) {
      if (record.key === null) continue;
      // A string copy of the bytes when keyed by bytes: the fetched key is a view into a whole fetch response.
      const mapKey =
        this.nativeMapKey === undefined ? record.key.toString('latin1') : this.nativeMapKeyOfBytes(record.key);
      let slot = this.index.get(mapKey);
      if (record.value === null) {
        if (slot === undefined) continue;
        if (this.slots.isChanged(slot)) {
          // A change not logged yet: keep the slot for its (now tombstone) log record.
          if (this.slots.value(slot) !== undefined) this.unloggedDeletions++;
          this.slots.set(slot, undefined, record.timestamp);
        } else {
          this.freeSlot(mapKey, slot);
        }
        continue;
      }
      const value = this.valueSerde.deserializer(topic, record.value);
      if (slot === undefined) {
        const key = this.nativeMapKey === undefined ? this.keySerde.deserializer(topic, record.key) : (mapKey as K);
        slot = this.addSlot(mapKey, key);
      } else if (this.slots.value(slot) === undefined) this.unloggedDeletions--;
      this.slots.set(slot, value, record.timestamp);
    }
  }

  flush(): void {
    const collector = this.collector;
    const slots = this.slots;
    const changed = slots.changedCount();
    if (collector === undefined || changed === 0) return;
    const topic = this.changelogTopic!;
    const partition = this.context!.partition;
    for (let i = 0; i < changed; i++) {
      const slot = slots.changedSlot(i);
      const mapKey = slots.mapKey(slot);
      const value = slots.value(slot);
      collector.send({
        topic,
        partition,
        key: this.keyBytesOf(mapKey),
        value: value === undefined ? null : this.valueSerde.serializer(topic, value),
        timestamp: slots.timestamp(slot),
        headers: NO_HEADERS,
      });
      if (value === undefined) {
        this.freeSlot(mapKey, slot);
        this.unloggedDeletions--;
      }
    }
    slots.clearChanged();
  }

  close(): void {
    this.open = false;
    this.index.clear();
    this.slots.clear();
    this.cachedMapKey = undefined;
    this.unloggedDeletions = 0;
  }
}
