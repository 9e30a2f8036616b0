/**
 * The persistent key-value store (Kafka Streams' default RocksDB store, here on LMDB through the `lmdb`
 * package): one LMDB environment per task and store, `<state.dir>/<application.id>/<task id>/<store>`, so a
 * restarted instance keeps its state and restores only the changelog after its checkpoint.
 *
 * Keys are the serialized key bytes (LMDB orders them as unsigned bytes, the order ranges use in Kafka
 * Streams); values are Java's timestamped layout: an 8-byte big-endian timestamp, then the serialized value.
 *
 * Writes go to an in-memory buffer of dirty entries (typed, so a key updated many times between commits is
 * serialized once); reads look there first. `flush()` (at every commit, or early when the buffer is full) logs
 * the latest value of each dirty key to the changelog and writes them all in one LMDB transaction, committed
 * without waiting for the disk; the runtime awaits `whenWritten()` (one sync of the environment) before it
 * writes the task's checkpoint, so a checkpoint never names changes the disk does not hold. Restoration
 * writes changelog records straight into LMDB (one transaction per batch, no deserialization).
 */
import type { RootDatabase } from 'lmdb';
import type { SerdeLike } from '../processor/internals/serde-like.ts';
import { resolveSerde } from '../processor/internals/serde-resolution.ts';
import type { RecordCollector, RestoreRecord } from '../processor/internals/task-contract.ts';
import { LastSerializedKey } from './internals/last-serialized-key.ts';
import {
  COMMIT_WITHOUT_DISK_FLUSH,
  DEFAULT_MAX_DIRTY_ENTRIES,
  type LmdbStoreEnvironment,
  MAX_KEY_BYTES,
  openLmdbStoreEnvironment,
} from './internals/lmdb-store-environment.ts';
import { type MapKey, type NativeMapKey, nativeMapKeyFor } from './internals/native-map-key.ts';
import type { ManagedStore, StoreInitContext } from './internals/store-init-context.ts';
import type { KeyValue, TimestampedKeyValueStore, ValueAndTimestamp } from './key-value-store.ts';

/** What the runtime needs from a persistent store beyond the task contract (checkpoints, wiping). */
export interface PersistentStoreHandle {
  readonly name: string;
  readonly persistent: true;
  readonly changelogTopic: string | undefined;
  /** The store's directory (its parent is the task directory, which holds the task's `.checkpoint`). */
  readonly directory: string;
  /** Resolves once every write so far is committed and on disk. */
  whenWritten(): Promise<void>;
  /** Deletes every entry (a store whose content cannot be trusted is rebuilt from its changelog). */
  wipe(): void;
  /** Resolves once the store is closed and its files released. */
  whenClosed(): Promise<void>;
}

export function isPersistentStore(store: unknown): store is PersistentStoreHandle {
  return (
    typeof store === 'object' &&
    store !== null &&
    (store as { persistent?: unknown }).persistent === true &&
    typeof (store as PersistentStoreHandle).whenWritten === 'function'
  );
}

/** A buffered write; `value === undefined` is a delete. */
interface BufferedEntry<K, V> {
  readonly key: K;
  readonly keyBytes: Buffer;
  value: V | undefined;
  timestamp: number;
}

export interface PersistentKeyValueStoreOptions {
  /** Dirty entries kept before an early flush (default 100 000). */
  readonly maxDirtyEntries?: number;
}

export class PersistentKeyValueStore<K, V> implements TimestampedKeyValueStore<K, V>, ManagedStore {
  readonly name: string;
  readonly persistent = true;
  changelogTopic: string | undefined;
  readonly #explicitKeySerde: SerdeLike<K> | undefined;
  readonly #explicitValueSerde: SerdeLike<V> | undefined;
  readonly #maxDirty: number;
  #keySerde!: SerdeLike<K>;
  #valueSerde!: SerdeLike<V>;
  #nativeMapKey: NativeMapKey | undefined;
  /** Its LMDB environment (directory, syncs, close after running syncs), open between init and close. */
  #env: LmdbStoreEnvironment | undefined;
  #context: StoreInitContext | undefined;
  #collector: RecordCollector | undefined;
  /** Written since the last flush. */
  #dirty = new Map<MapKey, BufferedEntry<K, V>>();
  #closed: Promise<void> = Promise.resolve();
  #open = false;

  constructor(
    name: string,
    keySerde?: SerdeLike<K>,
    valueSerde?: SerdeLike<V>,
    options: PersistentKeyValueStoreOptions = {},
  ) {
    this.name = name;
    this.#explicitKeySerde = keySerde;
    this.#explicitValueSerde = valueSerde;
    this.#maxDirty = options.maxDirtyEntries ?? DEFAULT_MAX_DIRTY_ENTRIES;
  }

  get directory(): string {
    return this.#env?.directory ?? '';
  }

  init(context: StoreInitContext): void {
    const where = `store "${this.name}"`;
    const fix = 'pass Materialized.with(keySerde, valueSerde) (or the store builder serdes)';
    this.#keySerde = resolveSerde(this.#explicitKeySerde, context.config, 'key', where, fix);
    this.#valueSerde = resolveSerde(this.#explicitValueSerde, context.config, 'value', where, fix);
    this.#nativeMapKey = nativeMapKeyFor(this.#keySerde as SerdeLike<unknown>);
    this.#context = context;
    this.changelogTopic = context.changelogTopic;
    this.#collector = context.changelogTopic === undefined ? undefined : context.collector;
    // Without state.dir (the TopologyTestDriver) the environment lives in a temporary directory removed on close.
    this.#env = openLmdbStoreEnvironment(context, this.name, 'store');
    this.#open = true;
  }

  isOpen(): boolean {
    return this.#open;
  }

  #database(): RootDatabase<Buffer, Buffer> {
    if (this.#env === undefined || !this.#open) throw new Error(`store "${this.name}" is not open`);
    return this.#env.db;
  }

  #lastKey = new LastSerializedKey();

  #serializeKey(key: K): Buffer {
    const remembered = this.#lastKey.bytesOf(key);
    if (remembered !== undefined) return remembered;
    const bytes = this.#keySerde.serializer(this.changelogTopic ?? this.name, key);
    if (bytes === null) throw new TypeError(`store "${this.name}" does not accept a null key`);
    if (bytes.length > MAX_KEY_BYTES || bytes.length === 0) {
      throw new RangeError(
        `store "${this.name}": a persistent store key must be 1 to ${MAX_KEY_BYTES} bytes serialized, got ${bytes.length}`,
      );
    }
    this.#lastKey.remember(key, bytes);
    return bytes;
  }

  #buffered(mapKey: MapKey): BufferedEntry<K, V> | undefined {
    return this.#dirty.get(mapKey);
  }

  #readStored(keyBytes: Buffer): ValueAndTimestamp<V> | undefined {
    const stored = this.#database().get(keyBytes);
    if (stored === undefined) return undefined;
    return { value: this.#decodeValue(stored), timestamp: decodeTimestamp(stored) };
  }

  #decodeValue(stored: Buffer): V {
    return this.#valueSerde.deserializer(this.changelogTopic ?? this.name, stored.subarray(8));
  }

  getWithTimestamp(key: K): ValueAndTimestamp<V> | undefined {
    const native = this.#nativeMapKey?.(key);
    const keyBytes = native === undefined ? this.#serializeKey(key) : undefined;
    const entry = this.#buffered(native ?? (keyBytes as Buffer).toString('latin1'));
    if (entry !== undefined)
      return entry.value === undefined ? undefined : { value: entry.value, timestamp: entry.timestamp };
    return this.#readStored(keyBytes ?? this.#serializeKey(key));
  }

  get(key: K): V | undefined {
    return this.getWithTimestamp(key)?.value;
  }

  put(key: K, value: V | null | undefined): void {
    this.putWithTimestamp(key, value, this.#context === undefined ? Date.now() : this.#context.currentTimestamp());
  }

  putWithTimestamp(key: K, value: V | null | undefined, timestamp: number): void {
    this.#database();
    const native = this.#nativeMapKey?.(key);
    const keyBytes = native === undefined ? this.#serializeKey(key) : undefined;
    const mapKey = native ?? (keyBytes as Buffer).toString('latin1');
    const typed = value === null ? undefined : value;
    const entry = this.#dirty.get(mapKey);
    if (entry !== undefined) {
      entry.value = typed;
      entry.timestamp = timestamp;
      return;
    }
    this.#dirty.set(mapKey, { key, keyBytes: keyBytes ?? this.#serializeKey(key), value: typed, timestamp });
    // Bounded memory between commits: write (and log) early, as Java's record cache evicts.
    if (this.#dirty.size >= this.#maxDirty) this.flush();
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
    const previous = this.get(key);
    this.put(key, undefined);
    return previous;
  }

  /**
   * Entries in `[from, to]` in unsigned byte order of the serialized keys: the LMDB range overlaid with the
   * buffered writes.
   */
  #range(from: K | undefined, to: K | undefined, reverse: boolean): KeyValue<K, V>[] {
    const db = this.#database();
    const lower = from === undefined ? undefined : this.#serializeKey(from);
    const upper = to === undefined ? undefined : Buffer.from(this.#serializeKey(to));
    if (lower !== undefined && upper !== undefined && Buffer.compare(lower, upper) > 0) return [];
    const topic = this.changelogTopic ?? this.name;
    const merged = new Map<string, { keyBytes: Buffer; key: K | undefined; stored?: Buffer; value?: V }>();
    for (const { key, value } of db.getRange(lower === undefined ? {} : { start: lower })) {
      if (upper !== undefined && Buffer.compare(key, upper) > 0) break;
      merged.set(key.toString('latin1'), { keyBytes: key, key: undefined, stored: value });
    }
    const overlay = (entry: BufferedEntry<K, V>) => {
      if (lower !== undefined && Buffer.compare(entry.keyBytes, lower) < 0) return;
      if (upper !== undefined && Buffer.compare(entry.keyBytes, upper) > 0) return;
      const id = entry.keyBytes.toString('latin1');
      if (entry.value === undefined) merged.delete(id);
      else merged.set(id, { keyBytes: entry.keyBytes, key: entry.key, value: entry.value });
    };
    for (const entry of this.#dirty.values()) overlay(entry);
    const selected = [...merged.values()].sort((a, b) => Buffer.compare(a.keyBytes, b.keyBytes));
    if (reverse) selected.reverse();
    return selected.map((e) => ({
      key: e.key ?? this.#keySerde.deserializer(topic, e.keyBytes),
      value: e.stored === undefined ? (e.value as V) : this.#decodeValue(e.stored),
    }));
  }

  range(from: K | undefined, to: K | undefined): KeyValue<K, V>[] {
    return this.#range(from, to, false);
  }

  reverseRange(from: K | undefined, to: K | undefined): KeyValue<K, V>[] {
    return this.#range(from, to, true);
  }

  all(): KeyValue<K, V>[] {
    return this.#range(undefined, undefined, false);
  }

  reverseAll(): KeyValue<K, V>[] {
    return this.#range(undefined, undefined, true);
  }

  /** LMDB's entry count plus buffered new keys (approximate, as the name says). */
  approximateNumEntries(): number {
    return (this.#database().getStats() as { entryCount: number }).entryCount + this.#dirty.size;
  }

  /**
   * Writes changelog records (as logged: key bytes, timestamped value) straight into LMDB in one transaction,
   * not logging them again.
   */
  restoreBatch(records: readonly RestoreRecord[]): void {
    const db = this.#database();
    db.transactionSync(() => {
      for (const record of records) {
        if (record.key === null) continue;
        if (record.value === null) db.removeSync(record.key);
        else db.putSync(record.key, encodeStored(record.timestamp, record.value));
      }
    }, COMMIT_WITHOUT_DISK_FLUSH);
  }

  /** Logs the latest value of every dirty key and writes them to LMDB in one transaction. */
  flush(): void {
    if (this.#dirty.size === 0 || !this.#open) return;
    const db = this.#database();
    const collector = this.#collector;
    const topic = this.changelogTopic ?? this.name;
    const partition = this.#context?.partition ?? 0;
    const flushing = this.#dirty;
    this.#dirty = new Map();
    // One synchronous transaction, committed without waiting for the disk (whenWritten waits for that): the
    // entries are readable from LMDB at once, and a flush costs one commit, not one per entry.
    db.transactionSync(() => {
      for (const entry of flushing.values()) {
        if (entry.value === undefined) {
          db.removeSync(entry.keyBytes);
          collector?.send({
            topic,
            partition,
            key: entry.keyBytes,
            value: null,
            timestamp: entry.timestamp,
            headers: [],
          });
          continue;
        }
        const valueBytes = this.#valueSerde.serializer(topic, entry.value);
        if (valueBytes === null) db.removeSync(entry.keyBytes);
        else db.putSync(entry.keyBytes, encodeStored(entry.timestamp, valueBytes));
        collector?.send({
          topic,
          partition,
          key: entry.keyBytes,
          value: valueBytes,
          timestamp: entry.timestamp,
          headers: [],
        });
      }
    }, COMMIT_WITHOUT_DISK_FLUSH);
  }

  whenWritten(): Promise<void> {
    // Transactions commit without waiting for the disk; one sync of the environment (in the background)
    // makes every committed one durable.
    if (this.#env === undefined || !this.#open) return Promise.resolve();
    return this.#env.whenWritten();
  }

  wipe(): void {
    const db = this.#database();
    this.#dirty.clear();
    db.clearSync();
  }

  close(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#dirty.clear();
    this.#closed = this.#env === undefined ? Promise.resolve() : this.#env.close();
  }

  whenClosed(): Promise<void> {
    return this.#closed;
  }
}

function encodeStored(timestamp: number, value: Buffer): Buffer {
  const stored = Buffer.allocUnsafe(8 + value.length);
  // Two 32-bit halves: no BigInt per write (timestamps are safe integers, possibly -1).
  const high = Math.floor(timestamp / 0x1_0000_0000);
  stored.writeInt32BE(high, 0);
  stored.writeUInt32BE(timestamp - high * 0x1_0000_0000, 4);
  value.copy(stored, 8);
  return stored;
}

function decodeTimestamp(stored: Buffer): number {
  return stored.readInt32BE(0) * 0x1_0000_0000 + stored.readUInt32BE(4);
}
