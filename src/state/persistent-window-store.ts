/**
 * The persistent window store (Java's `RocksDBWindowStore` / `RocksDBTimestampedWindowStore`; here on LMDB),
 * with the semantics of the in-memory window store: windows starting at or before `observed stream time −
 * retention` are invisible and puts into them are skipped (but logged); `retainDuplicates` keeps every put
 * under its own sequence number; results are ordered by window start, then serialized key bytes, then sequence.
 *
 * Key layout (one LMDB database per task and store, under `state.dir`): `[segment id, 8 bytes][serialized key]
 * [window start, 8 bytes][sequence number, 4 bytes]`, i.e. Java's segment id followed by the changelog key
 * (`WindowKeySchema`). Segments are Java's: `floor(window start / segment interval)`, interval = max(retention /
 * 2, 60 s). Time-ordered expiry is therefore cheap: the expired segments are a contiguous prefix of the
 * database, deleted at flush; one key's windows in a segment are one contiguous range. (Java keeps each segment
 * in its own RocksDB; a key prefix in one LMDB environment gives the same order without one environment per
 * segment.) Values: `[record timestamp, 8 bytes][serialized value]`.
 *
 * As the persistent key-value store: writes go to a buffer of dirty entries, which `flush()` (every commit)
 * logs and writes in one LMDB transaction; restoration writes changelog records straight into LMDB.
 */
import type { RootDatabase } from 'lmdb';
import type { Windowed } from '../dsl/windowed.ts';
import type { SerdeLike } from '../processor/internals/serde-like.ts';
import { resolveSerde } from '../processor/internals/serde-resolution.ts';
import type { RecordCollector, RestoreRecord } from '../processor/internals/task-contract.ts';
import {
  COMMIT_WITHOUT_DISK_FLUSH,
  DEFAULT_MAX_DIRTY_ENTRIES,
  deleteSegmentsBefore,
  MAX_KEY_BYTES,
  META_KEY,
  SEGMENT_PREFIX,
  segmentIntervalFor,
  segmentPrefix,
  writeSegmentPrefix,
} from './internals/lmdb-store-environment.ts';
import { OpenedLmdbStore } from './internals/opened-lmdb-store.ts';
import type { ManagedStore, StoreInitContext } from './internals/store-init-context.ts';
import { readLongBE, writeLongBE } from './internals/window-key-schema.ts';
import type { KeyValue, ValueAndTimestamp } from './key-value-store.ts';
import type { PersistentStoreHandle } from './persistent-key-value-store.ts';
import type { TimestampedWindowStore } from './window-store.ts';

const NO_TIMESTAMP = -1;
const SUFFIX = 12;

/** A buffered change of one key, window and sequence number; `deleted` logs (and writes) a tombstone. */
interface DirtyEntry<K, V> {
  readonly key: K;
  readonly keyBytes: Buffer;
  readonly windowStart: number;
  readonly seqnum: number;
  /** The LMDB key (segment prefix + changelog key); undefined for a change that is only logged. */
  readonly storeKey: Buffer | undefined;
  value: V | undefined;
  timestamp: number;
  deleted: boolean;
}

/** One result before decoding: from LMDB (stored bytes) or from the buffer (typed value). */
interface Found<K, V> {
  readonly keyBytes: Buffer;
  readonly windowStart: number;
  readonly seqnum: number;
  key: K | undefined;
  stored: Buffer | undefined;
  value: V | undefined;
  timestamp: number;
}

function byStartKeySeq(a: Found<unknown, unknown>, b: Found<unknown, unknown>): number {
  return a.windowStart - b.windowStart || Buffer.compare(a.keyBytes, b.keyBytes) || a.seqnum - b.seqnum;
}

export interface PersistentWindowStoreOptions {
  /** Dirty entries kept before an early flush (default 100 000). */
  readonly maxDirtyEntries?: number;
}

export class PersistentWindowStore<K, V> implements TimestampedWindowStore<K, V>, ManagedStore, PersistentStoreHandle {
  readonly name: string;
  readonly persistent = true;
  readonly retentionPeriod: number;
  readonly windowSize: number;
  readonly retainDuplicates: boolean;
  readonly segmentInterval: number;
  changelogTopic: string | undefined;
  readonly #explicitKeySerde: SerdeLike<K> | undefined;
  readonly #explicitValueSerde: SerdeLike<V> | undefined;
  readonly #maxDirty: number;
  #keySerde!: SerdeLike<K>;
  #valueSerde!: SerdeLike<V>;
  readonly #lmdb: OpenedLmdbStore;
  #context: StoreInitContext | undefined;
  #collector: RecordCollector | undefined;
  #observedStreamTime = NO_TIMESTAMP;
  #seqnum = 0;
  /** Changes since the last flush, in the order they were first made (the changelog order). */
  #dirty = new Map<string, DirtyEntry<K, V>>();
  /**
   * The same entries by serialized key (latin1), so one key's range reads overlay only its own changes. Built on
   * the first range read after a flush, then kept up to date: aggregations that only read single windows never
   * pay for it.
   */
  #dirtyByKey: Map<string, DirtyEntry<K, V>[]> | undefined;
  #logOnly = 0;

  constructor(
    name: string,
    retentionPeriod: number,
    windowSize: number,
    retainDuplicates: boolean,
    keySerde?: SerdeLike<K>,
    valueSerde?: SerdeLike<V>,
    options: PersistentWindowStoreOptions = {},
  ) {
    this.name = name;
    this.retentionPeriod = retentionPeriod;
    this.windowSize = windowSize;
    this.retainDuplicates = retainDuplicates;
    this.segmentInterval = segmentIntervalFor(retentionPeriod);
    this.#explicitKeySerde = keySerde;
    this.#explicitValueSerde = valueSerde;
    this.#maxDirty = options.maxDirtyEntries ?? DEFAULT_MAX_DIRTY_ENTRIES;
    this.#lmdb = new OpenedLmdbStore('window store', name);
  }

  get directory(): string {
    return this.#lmdb.directory;
  }

  init(context: StoreInitContext): void {
    const where = `window store "${this.name}"`;
    const fix = 'pass Materialized.with(keySerde, valueSerde) (or the store builder serdes)';
    this.#keySerde = resolveSerde(this.#explicitKeySerde, context.config, 'key', where, fix);
    this.#valueSerde = resolveSerde(this.#explicitValueSerde, context.config, 'value', where, fix);
    this.#context = context;
    this.changelogTopic = context.changelogTopic;
    this.#collector = context.changelogTopic === undefined ? undefined : context.collector;
    this.#lmdb.open(context);
    this.#observedStreamTime = this.#latestStoredWindowStart();
  }

  /** Observed stream time and the sequence number survive a restart: kept under META_KEY at every flush. */
  #latestStoredWindowStart(): number {
    const meta = this.#db().get(META_KEY);
    if (meta === undefined || meta.length < 12) return NO_TIMESTAMP;
    this.#seqnum = meta.readInt32BE(8);
    return readLongBE(meta, 0);
  }

  #writeMeta(db: RootDatabase<Buffer, Buffer>): void {
    const meta = Buffer.allocUnsafe(12);
    writeLongBE(meta, this.#observedStreamTime, 0);
    meta.writeInt32BE(this.#seqnum, 8);
    db.putSync(META_KEY, meta);
  }

  isOpen(): boolean {
    return this.#lmdb.isOpen;
  }

  /** The resolved key serde, once initialized: interactive queries order keys and find partitions with it. */
  keySerdeForQueries(): SerdeLike<K> {
    return this.#keySerde;
  }

  #db(): RootDatabase<Buffer, Buffer> {
    return this.#lmdb.db();
  }

  #lastKey: unknown = undefined;
  #lastKeyBytes: Buffer | undefined;

  #serializeKey(key: K): Buffer {
    if (key === this.#lastKey && this.#lastKeyBytes !== undefined) return this.#lastKeyBytes;
    if (key === null || key === undefined)
      throw new TypeError(`window store "${this.name}" does not accept a null key`);
    const bytes = this.#keySerde.serializer(this.changelogTopic ?? this.name, key);
    if (bytes === null) throw new TypeError(`window store "${this.name}" does not accept a null key`);
    if (bytes.length + SEGMENT_PREFIX + SUFFIX > MAX_KEY_BYTES)
      throw new RangeError(
        `window store "${this.name}": a persistent window store key must be at most ${MAX_KEY_BYTES - SEGMENT_PREFIX - SUFFIX} bytes serialized, got ${bytes.length}`,
      );
    if (typeof key !== 'object') {
      this.#lastKey = key;
      this.#lastKeyBytes = bytes;
    } else this.#lastKeyBytes = undefined;
    return bytes;
  }

  #segmentOf(windowStart: number): number {
    return Math.floor(windowStart / this.segmentInterval);
  }

  // The last point key made (seqnum 0) and its Map id: an aggregation reads a window, then writes it.
  #pointKeyBytes: Buffer | undefined;
  #pointStart = Number.NaN;
  #pointKey: Buffer | undefined;
  #pointId = '';

  /** The LMDB key and buffer id of `keyBytes` in the window at `windowStart`, sequence number 0. */
  #pointKeyOf(keyBytes: Buffer, windowStart: number): { storeKey: Buffer; id: string } {
    if (keyBytes !== this.#pointKeyBytes || windowStart !== this.#pointStart) {
      this.#pointKey = this.#storeKey(keyBytes, windowStart, 0);
      this.#pointId = this.#pointKey.toString('latin1');
      this.#pointKeyBytes = keyBytes;
      this.#pointStart = windowStart;
    }
    return { storeKey: this.#pointKey!, id: this.#pointId };
  }

  #storeKey(keyBytes: Buffer, windowStart: number, seqnum: number, segment = this.#segmentOf(windowStart)): Buffer {
    const out = Buffer.allocUnsafe(SEGMENT_PREFIX + keyBytes.length + SUFFIX);
    writeSegmentPrefix(out, segment);
    keyBytes.copy(out, SEGMENT_PREFIX);
    writeLongBE(out, windowStart, SEGMENT_PREFIX + keyBytes.length);
    out.writeInt32BE(seqnum, SEGMENT_PREFIX + keyBytes.length + 8);
    return out;
  }

  /** Windows starting after this are live (as the in-memory store: start > observed stream time − retention). */
  #expiredUpTo(): number {
    return this.#observedStreamTime - this.retentionPeriod;
  }

  put(key: K, value: V | null | undefined, windowStartTime: number): void {
    this.putWithTimestamp(
      key,
      value,
      windowStartTime,
      this.#context === undefined ? Date.now() : this.#context.currentTimestamp(),
    );
  }

  putWithTimestamp(key: K, value: V | null | undefined, windowStart: number, timestamp: number): void {
    this.#db();
    if (!Number.isSafeInteger(windowStart))
      throw new RangeError(`window store "${this.name}": window start ${windowStart} is not an integer`);
    if (windowStart > this.#observedStreamTime) this.#observedStreamTime = windowStart;
    const deleting = value === null || value === undefined;
    const seqnum = this.retainDuplicates && !deleting ? (this.#seqnum = (this.#seqnum + 1) & 0x7fffffff) : 0;
    const keyBytes = this.#serializeKey(key);
    const typed = deleting ? undefined : (value as V);
    // Expired, or a null put into a store of duplicates: the store keeps nothing, the changelog gets it (Java).
    if (windowStart <= this.#expiredUpTo() || (deleting && this.retainDuplicates)) {
      if (this.#collector !== undefined)
        this.#addDirty(`log:${this.#logOnly++}`, {
          key,
          keyBytes,
          windowStart,
          seqnum,
          storeKey: undefined,
          value: typed,
          timestamp,
          deleted: deleting,
        });
      return;
    }
    const { storeKey, id } =
      seqnum === 0
        ? this.#pointKeyOf(keyBytes, windowStart)
        : (() => {
            const key = this.#storeKey(keyBytes, windowStart, seqnum);
            return { storeKey: key, id: key.toString('latin1') };
          })();
    const entry = this.#dirty.get(id);
    if (entry !== undefined) {
      entry.value = typed;
      entry.timestamp = timestamp;
      entry.deleted = deleting;
      return;
    }
    this.#addDirty(id, { key, keyBytes, windowStart, seqnum, storeKey, value: typed, timestamp, deleted: deleting });
  }

  #addDirty(id: string, entry: DirtyEntry<K, V>): void {
    this.#dirty.set(id, entry);
    if (this.#dirtyByKey !== undefined) indexByKey(this.#dirtyByKey, entry);
    if (this.#dirty.size >= this.#maxDirty) this.flush();
  }

  #dirtyOfKey(keyBytes: Buffer): readonly DirtyEntry<K, V>[] {
    if (this.#dirtyByKey === undefined) {
      this.#dirtyByKey = new Map();
      for (const entry of this.#dirty.values()) indexByKey(this.#dirtyByKey, entry);
    }
    return this.#dirtyByKey.get(keyBytes.toString('latin1')) ?? [];
  }

  // ---- reads ----

  fetchWithTimestamp(key: K, windowStart: number): ValueAndTimestamp<V> | undefined {
    this.#db();
    if (windowStart <= this.#expiredUpTo()) return undefined;
    // As Java and the in-memory store: duplicates are keyed by sequence number, a point lookup never finds them.
    if (this.retainDuplicates) return undefined;
    const { storeKey, id } = this.#pointKeyOf(this.#serializeKey(key), windowStart);
    const entry = this.#dirty.get(id);
    if (entry !== undefined) return entry.deleted ? undefined : { value: entry.value as V, timestamp: entry.timestamp };
    const stored = this.#db().get(storeKey);
    if (stored === undefined) return undefined;
    return { value: this.#decodeValue(stored), timestamp: readLongBE(stored, 0) };
  }

  /** @internal What windowed aggregations read before they put (same as fetchWithTimestamp here). */
  peekWithTimestamp(key: K, windowStart: number): ValueAndTimestamp<V> | undefined {
    return this.fetchWithTimestamp(key, windowStart);
  }

  #decodeValue(stored: Buffer): V {
    return this.#valueSerde.deserializer(this.changelogTopic ?? this.name, stored.subarray(8));
  }

  /**
   * The live entries with keys in `[lower, upper]` (one key when `exact`) and window starts in `[from, to]`,
   * ordered by start, key bytes, sequence number: LMDB's ranges overlaid with the buffered changes.
   */
  #find(lower: Buffer | undefined, upper: Buffer | undefined, exact: boolean, from: number, to: number): Found<K, V>[] {
    const db = this.#db();
    const minStart = Math.max(from, this.#expiredUpTo() + 1);
    // No window starts after observed stream time (a put raises it): bounds the segments to visit.
    to = Math.min(to, this.#observedStreamTime);
    if (to < minStart) return [];
    if (lower !== undefined && upper !== undefined && Buffer.compare(lower, upper) > 0) return [];
    const merged = new Map<string, Found<K, V>>();
    const inRange = (keyBytes: Buffer, windowStart: number) =>
      windowStart >= minStart &&
      windowStart <= to &&
      (lower === undefined || Buffer.compare(keyBytes, lower) >= 0) &&
      (upper === undefined || Buffer.compare(keyBytes, upper) <= 0);
    const lastSeg = this.#segmentOf(to);
    for (let segment = this.#segmentOf(minStart); segment <= lastSeg; segment++) {
      const prefix = segmentPrefix(segment);
      // One key: its windows in [minStart, to] are one contiguous range of the segment (non-negative starts:
      // a negative one's big-endian bytes sort after the positive ones, so those segments are scanned whole).
      const narrow = exact && segment >= 0;
      const start = narrow
        ? this.#storeKey(lower!, Math.max(0, minStart), 0, segment)
        : lower === undefined
          ? prefix
          : Buffer.concat([prefix, lower]);
      const end = narrow ? this.#storeKey(lower!, to + 1, 0, segment) : segmentPrefix(segment + 1);
      for (const { key: storeKey, value: stored } of db.getRange({ start, end })) {
        const keyBytes = storeKey.subarray(SEGMENT_PREFIX, storeKey.length - SUFFIX);
        if (exact && keyBytes.length !== lower!.length) continue;
        // Every later key of the segment starts with bytes above the upper bound: none is in range.
        if (
          !exact &&
          upper !== undefined &&
          Buffer.compare(storeKey.subarray(SEGMENT_PREFIX, SEGMENT_PREFIX + upper.length), upper) > 0
        )
          break;
        const windowStart = readLongBE(storeKey, storeKey.length - SUFFIX);
        if (!inRange(keyBytes, windowStart)) continue;
        merged.set(storeKey.toString('latin1'), {
          keyBytes: Buffer.from(keyBytes),
          windowStart,
          seqnum: storeKey.readInt32BE(storeKey.length - 4),
          key: undefined,
          stored,
          value: undefined,
          timestamp: readLongBE(stored, 0),
        });
      }
    }
    const overlay = (entry: DirtyEntry<K, V>) => {
      if (entry.storeKey === undefined || !inRange(entry.keyBytes, entry.windowStart)) return;
      const id = entry.storeKey.toString('latin1');
      if (entry.deleted) merged.delete(id);
      else
        merged.set(id, {
          keyBytes: entry.keyBytes,
          windowStart: entry.windowStart,
          seqnum: entry.seqnum,
          key: entry.key,
          stored: undefined,
          value: entry.value,
          timestamp: entry.timestamp,
        });
    };
    if (exact) for (const entry of this.#dirtyOfKey(lower!)) overlay(entry);
    else for (const entry of this.#dirty.values()) overlay(entry);
    return [...merged.values()].sort(byStartKeySeq);
  }

  #valueOf(found: Found<K, V>): V {
    return found.stored === undefined ? (found.value as V) : this.#decodeValue(found.stored);
  }

  #windowedOf(found: Found<K, V>): Windowed<K> {
    const key = found.key ?? this.#keySerde.deserializer(this.changelogTopic ?? this.name, found.keyBytes);
    return { key, window: { start: found.windowStart, end: found.windowStart + this.windowSize } } as Windowed<K>;
  }

  #rangeQuery(keyFrom: K | undefined, keyTo: K | undefined, from: number, to: number): Found<K, V>[] {
    const lower = keyFrom === undefined ? undefined : Buffer.from(this.#serializeKey(keyFrom));
    const upper = keyTo === undefined ? undefined : Buffer.from(this.#serializeKey(keyTo));
    const exact = lower !== undefined && upper !== undefined && lower.equals(upper);
    return this.#find(lower, upper, exact, from, to);
  }

  fetch(key: K, windowStartTime: number): V | undefined;
  fetch(key: K, timeFrom: number, timeTo: number): KeyValue<number, V>[];
  fetch(keyFrom: K | undefined, keyTo: K | undefined, timeFrom: number, timeTo: number): KeyValue<Windowed<K>, V>[];
  fetch(
    a: K | undefined,
    b: K | number | undefined,
    c?: number,
    d?: number,
  ): V | undefined | KeyValue<number, V>[] | KeyValue<Windowed<K>, V>[] {
    if (d !== undefined) return this.#windowed(a, b as K | undefined, c!, d, false);
    if (c !== undefined) return this.#ofKey(a as K, b as number, c, false);
    return this.fetchWithTimestamp(a as K, b as number)?.value;
  }

  backwardFetch(key: K, timeFrom: number, timeTo: number): KeyValue<number, V>[];
  backwardFetch(
    keyFrom: K | undefined,
    keyTo: K | undefined,
    timeFrom: number,
    timeTo: number,
  ): KeyValue<Windowed<K>, V>[];
  backwardFetch(
    a: K | undefined,
    b: K | number | undefined,
    c: number,
    d?: number,
  ): KeyValue<number, V>[] | KeyValue<Windowed<K>, V>[] {
    if (d !== undefined) return this.#windowed(a, b as K | undefined, c, d, true);
    return this.#ofKey(a as K, b as number, c, true);
  }

  #ofKey(key: K, from: number, to: number, backward: boolean): KeyValue<number, V>[] {
    const keyBytes = Buffer.from(this.#serializeKey(key));
    const result = this.#find(keyBytes, keyBytes, true, from, to).map((f) => ({
      key: f.windowStart,
      value: this.#valueOf(f),
    }));
    return backward ? result.reverse() : result;
  }

  #windowed(
    keyFrom: K | undefined,
    keyTo: K | undefined,
    from: number,
    to: number,
    backward: boolean,
  ): KeyValue<Windowed<K>, V>[] {
    const result = this.#rangeQuery(keyFrom, keyTo, from, to).map((f) => ({
      key: this.#windowedOf(f),
      value: this.#valueOf(f),
    }));
    return backward ? result.reverse() : result;
  }

  #windowedWithTimestamps(
    keyFrom: K | undefined,
    keyTo: K | undefined,
    from: number,
    to: number,
    backward: boolean,
  ): KeyValue<Windowed<K>, ValueAndTimestamp<V>>[] {
    const result = this.#rangeQuery(keyFrom, keyTo, from, to).map((f) => ({
      key: this.#windowedOf(f),
      value: { value: this.#valueOf(f), timestamp: f.timestamp },
    }));
    return backward ? result.reverse() : result;
  }

  fetchWithTimestamps(
    keyFrom: K | undefined,
    keyTo: K | undefined,
    timeFrom: number,
    timeTo: number,
  ): KeyValue<Windowed<K>, ValueAndTimestamp<V>>[] {
    return this.#windowedWithTimestamps(keyFrom, keyTo, timeFrom, timeTo, false);
  }

  backwardFetchWithTimestamps(
    keyFrom: K | undefined,
    keyTo: K | undefined,
    timeFrom: number,
    timeTo: number,
  ): KeyValue<Windowed<K>, ValueAndTimestamp<V>>[] {
    return this.#windowedWithTimestamps(keyFrom, keyTo, timeFrom, timeTo, true);
  }

  fetchAll(timeFrom: number, timeTo: number): KeyValue<Windowed<K>, V>[] {
    return this.#windowed(undefined, undefined, timeFrom, timeTo, false);
  }

  backwardFetchAll(timeFrom: number, timeTo: number): KeyValue<Windowed<K>, V>[] {
    return this.#windowed(undefined, undefined, timeFrom, timeTo, true);
  }

  all(): KeyValue<Windowed<K>, V>[] {
    return this.#windowed(undefined, undefined, Number.MIN_SAFE_INTEGER, this.#observedStreamTime, false);
  }

  backwardAll(): KeyValue<Windowed<K>, V>[] {
    return this.#windowed(undefined, undefined, Number.MIN_SAFE_INTEGER, this.#observedStreamTime, true);
  }

  /** LMDB's entry count plus buffered changes (approximate, as the name says). */
  approximateNumEntries(): number {
    // Minus the metadata entry (observed stream time), present once anything was written.
    return Math.max(0, (this.#db().getStats() as { entryCount: number }).entryCount - 1) + this.#dirty.size;
  }

  // ---- changelog, checkpoints ----

  /** Writes changelog records (Java's WindowKeySchema keys) straight into LMDB, one transaction per batch. */
  restoreBatch(records: readonly RestoreRecord[]): void {
    const db = this.#db();
    db.transactionSync(() => {
      for (const record of records) {
        if (record.key === null) continue;
        if (record.key.length < SUFFIX)
          throw new RangeError(
            `window store "${this.name}": a changelog key needs at least ${SUFFIX} bytes, got ${record.key.length}`,
          );
        const windowStart = readLongBE(record.key, record.key.length - SUFFIX);
        if (windowStart > this.#observedStreamTime) this.#observedStreamTime = windowStart;
        if (windowStart <= this.#expiredUpTo()) continue;
        if (record.value === null && this.retainDuplicates) continue;
        // Later duplicates must not reuse a restored sequence number.
        const seqnum = record.key.readInt32BE(record.key.length - 4);
        if (seqnum > this.#seqnum) this.#seqnum = seqnum;
        const storeKey = Buffer.concat([segmentPrefix(this.#segmentOf(windowStart)), record.key]);
        if (record.value === null) db.removeSync(storeKey);
        else db.putSync(storeKey, encodeStored(record.timestamp, record.value));
      }
      this.#removeExpiredSegments(db);
      this.#writeMeta(db);
    }, COMMIT_WITHOUT_DISK_FLUSH);
  }

  /** Deletes the segments whose every window has expired (Java drops whole segments too). */
  #removeExpiredSegments(db: RootDatabase<Buffer, Buffer>): void {
    if (this.#observedStreamTime === NO_TIMESTAMP) return;
    deleteSegmentsBefore(db, this.#segmentOf(this.#expiredUpTo() + 1));
  }

  /** Logs every buffered change and writes the stored ones to LMDB in one transaction. */
  flush(): void {
    if (!this.#lmdb.isOpen) return;
    const db = this.#db();
    const flushing = this.#dirty;
    this.#dirty = new Map();
    this.#dirtyByKey = undefined;
    const collector = this.#collector;
    const topic = this.changelogTopic ?? this.name;
    const partition = this.#context?.partition ?? 0;
    db.transactionSync(() => {
      for (const entry of flushing.values()) {
        const valueBytes = entry.deleted ? null : this.#valueSerde.serializer(topic, entry.value as V);
        if (entry.storeKey !== undefined) {
          if (valueBytes === null) db.removeSync(entry.storeKey);
          else db.putSync(entry.storeKey, encodeStored(entry.timestamp, valueBytes));
        }
        if (collector !== undefined) {
          // The LMDB key after its segment prefix is the changelog key (WindowKeySchema).
          const key = entry.storeKey?.subarray(SEGMENT_PREFIX) ?? changelogKeyOf(entry);
          collector.send({ topic, partition, key, value: valueBytes, timestamp: entry.timestamp, headers: [] });
        }
      }
      this.#removeExpiredSegments(db);
      this.#writeMeta(db);
    }, COMMIT_WITHOUT_DISK_FLUSH);
  }

  whenWritten(): Promise<void> {
    return this.#lmdb.whenWritten();
  }

  wipe(): void {
    const db = this.#db();
    this.#dirty.clear();
    this.#dirtyByKey = undefined;
    this.#observedStreamTime = NO_TIMESTAMP;
    db.clearSync();
  }

  close(): void {
    if (!this.#lmdb.close()) return;
    this.#dirty.clear();
    this.#dirtyByKey = undefined;
  }

  whenClosed(): Promise<void> {
    return this.#lmdb.whenClosed();
  }
}

function indexByKey<K, V>(index: Map<string, DirtyEntry<K, V>[]>, entry: DirtyEntry<K, V>): void {
  if (entry.storeKey === undefined) return;
  const keyId = entry.keyBytes.toString('latin1');
  const ofKey = index.get(keyId);
  if (ofKey === undefined) index.set(keyId, [entry]);
  else ofKey.push(entry);
}

function changelogKeyOf(entry: DirtyEntry<unknown, unknown>): Buffer {
  const key = Buffer.allocUnsafe(entry.keyBytes.length + SUFFIX);
  entry.keyBytes.copy(key, 0);
  writeLongBE(key, entry.windowStart, entry.keyBytes.length);
  key.writeInt32BE(entry.seqnum, entry.keyBytes.length + 8);
  return key;
}

function encodeStored(timestamp: number, value: Buffer): Buffer {
  const stored = Buffer.allocUnsafe(8 + value.length);
  writeLongBE(stored, timestamp, 0);
  value.copy(stored, 8);
  return stored;
}
