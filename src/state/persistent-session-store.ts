/**
 * The persistent session store (Java's `RocksDBSessionStore`; here on LMDB), with the semantics of the
 * in-memory session store: a session is kept while its end is within the retention period of the largest
 * session end seen (observed stream time); a put beyond it is skipped but logged; results per key are ordered
 * by session end, then start.
 *
 * Key layout (one LMDB database per task and store, under `state.dir`): `[segment id, 8 bytes][serialized key]
 * [session end, 8 bytes][session start, 8 bytes]`, i.e. Java's segment id (by session end, interval max(retention
 * / 2, 60 s)) followed by the changelog key (`SessionKeySchema`). Expired segments are a contiguous prefix of the
 * database, deleted at flush; one key's sessions in a segment are one contiguous range. Values: the serialized
 * aggregate. Writes are buffered until `flush()` (every commit), which logs them and writes them in one LMDB
 * transaction; restoration writes changelog records straight into LMDB.
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
} from './internals/lmdb-store-environment.ts';
import { OpenedLmdbStore } from './internals/opened-lmdb-store.ts';
import { sessionKeyToBinary } from './internals/session-key-schema.ts';
import type { ManagedStore, StoreInitContext } from './internals/store-init-context.ts';
import { readLongBE, writeLongBE } from './internals/window-key-schema.ts';
import type { KeyValue } from './key-value-store.ts';
import type { PersistentStoreHandle } from './persistent-key-value-store.ts';
import type { SessionStore } from './session-store.ts';

const NO_TIMESTAMP = -1;
const SUFFIX = 16;

/** A buffered change of one session: `value === null` deletes; `stored` false: only logged (expired). */
interface DirtySession<K, AGG> {
  readonly key: K | undefined;
  readonly keyBytes: Buffer;
  readonly binaryKey: Buffer;
  readonly start: number;
  readonly end: number;
  value: AGG | null;
  timestamp: number;
  stored: boolean;
}

interface FoundSession<K, AGG> {
  readonly start: number;
  readonly end: number;
  readonly key: K | undefined;
  readonly keyBytes: Buffer;
  readonly stored: Buffer | undefined;
  readonly value: AGG | undefined;
}

export interface PersistentSessionStoreOptions {
  readonly maxDirtyEntries?: number;
}

export class PersistentSessionStore<K, AGG> implements SessionStore<K, AGG>, ManagedStore, PersistentStoreHandle {
  readonly name: string;
  readonly persistent = true;
  readonly retentionPeriod: number;
  readonly segmentInterval: number;
  changelogTopic: string | undefined;
  readonly #explicitKeySerde: SerdeLike<K> | undefined;
  readonly #explicitValueSerde: SerdeLike<AGG> | undefined;
  readonly #maxDirty: number;
  #keySerde!: SerdeLike<K>;
  #valueSerde!: SerdeLike<AGG>;
  readonly #lmdb: OpenedLmdbStore;
  #context: StoreInitContext | undefined;
  #collector: RecordCollector | undefined;
  #observedStreamTime = NO_TIMESTAMP;
  /** Changes since the last flush by binary session key (latin1), in first-change order (the changelog order). */
  #dirty = new Map<string, DirtySession<K, AGG>>();
  /** The same, by serialized key (latin1). */
  #dirtyByKey = new Map<string, Map<string, DirtySession<K, AGG>>>();

  constructor(
    name: string,
    retentionPeriod: number,
    keySerde?: SerdeLike<K>,
    valueSerde?: SerdeLike<AGG>,
    options: PersistentSessionStoreOptions = {},
  ) {
    if (!Number.isSafeInteger(retentionPeriod) || retentionPeriod < 0)
      throw new RangeError(
        `session store "${name}": the retention period must be a non-negative integer of ms, got ${retentionPeriod}`,
      );
    this.name = name;
    this.retentionPeriod = retentionPeriod;
    this.segmentInterval = segmentIntervalFor(retentionPeriod);
    this.#explicitKeySerde = keySerde;
    this.#explicitValueSerde = valueSerde;
    this.#maxDirty = options.maxDirtyEntries ?? DEFAULT_MAX_DIRTY_ENTRIES;
    this.#lmdb = new OpenedLmdbStore('session store', name);
  }

  get directory(): string {
    return this.#lmdb.directory;
  }

  init(context: StoreInitContext): void {
    const where = `store "${this.name}"`;
    const fix = 'pass Materialized.with(keySerde, valueSerde) (or the store builder serdes)';
    this.#keySerde = resolveSerde(this.#explicitKeySerde, context.config, 'key', where, fix);
    this.#valueSerde = resolveSerde(this.#explicitValueSerde, context.config, 'value', where, fix);
    this.#context = context;
    this.changelogTopic = context.changelogTopic;
    this.#collector = context.changelogTopic === undefined ? undefined : context.collector;
    this.#lmdb.open(context);
    const meta = this.#db().get(META_KEY);
    this.#observedStreamTime = meta === undefined || meta.length < 8 ? NO_TIMESTAMP : readLongBE(meta, 0);
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

  #lastKey: unknown;
  #lastKeyBytes: Buffer | undefined;

  #serializeKey(key: K): Buffer {
    if (Object.is(key, this.#lastKey) && this.#lastKeyBytes !== undefined) return this.#lastKeyBytes;
    if (key === null || key === undefined)
      throw new TypeError(`session store "${this.name}" does not accept a null key`);
    const bytes = this.#keySerde.serializer(this.changelogTopic ?? this.name, key);
    if (bytes === null) throw new TypeError(`session store "${this.name}": the key serde turned a key into null`);
    if (bytes.length + SEGMENT_PREFIX + SUFFIX > MAX_KEY_BYTES)
      throw new RangeError(
        `session store "${this.name}": a persistent session store key must be at most ${MAX_KEY_BYTES - SEGMENT_PREFIX - SUFFIX} bytes serialized, got ${bytes.length}`,
      );
    if (typeof key !== 'object') {
      this.#lastKey = key;
      this.#lastKeyBytes = bytes;
    }
    return bytes;
  }

  #segmentOf(end: number): number {
    return Math.floor(end / this.segmentInterval);
  }

  #storeKey(binaryKey: Buffer, end: number): Buffer {
    const out = Buffer.allocUnsafe(SEGMENT_PREFIX + binaryKey.length);
    segmentPrefix(this.#segmentOf(end)).copy(out, 0);
    binaryKey.copy(out, SEGMENT_PREFIX);
    return out;
  }

  /** Sessions ending at or after this are live (the in-memory store's expiry bound). */
  #minLiveEnd(): number {
    return Math.max(0, this.#observedStreamTime - this.retentionPeriod + 1);
  }

  #change(key: K | undefined, keyBytes: Buffer, start: number, end: number, value: AGG | null, stored: boolean): void {
    const binaryKey = sessionKeyToBinary(keyBytes, start, end);
    const id = binaryKey.toString('latin1');
    const timestamp = this.#context === undefined ? Date.now() : this.#context.currentTimestamp();
    const existing = this.#dirty.get(id);
    if (existing !== undefined) {
      existing.value = value;
      existing.timestamp = timestamp;
      existing.stored = stored;
      return;
    }
    const entry: DirtySession<K, AGG> = { key, keyBytes, binaryKey, start, end, value, timestamp, stored };
    this.#dirty.set(id, entry);
    const keyId = keyBytes.toString('latin1');
    let ofKey = this.#dirtyByKey.get(keyId);
    if (ofKey === undefined) this.#dirtyByKey.set(keyId, (ofKey = new Map()));
    ofKey.set(id, entry);
    if (this.#dirty.size >= this.#maxDirty) this.flush();
  }

  put(sessionKey: Windowed<K>, aggregate: AGG | null | undefined): void {
    this.#db();
    const { start, end } = sessionKey.window;
    const keyBytes = this.#serializeKey(sessionKey.key);
    if (end > this.#observedStreamTime) this.#observedStreamTime = end;
    // Java skips (and only logs) a put for a session already beyond retention.
    const live = end > this.#observedStreamTime - this.retentionPeriod;
    this.#change(sessionKey.key, keyBytes, start, end, aggregate ?? null, live);
  }

  remove(sessionKey: Windowed<K>): void {
    // As Java's: neither advances observed stream time nor checks retention.
    this.#db();
    const { start, end } = sessionKey.window;
    this.#change(sessionKey.key, this.#serializeKey(sessionKey.key), start, end, null, true);
  }

  /** The live sessions of `key` ending at or after `earliestEnd` and starting at or before `latestStart`. */
  #find(key: K, earliestEnd: number, latestStart: number): FoundSession<K, AGG>[] {
    const db = this.#db();
    const keyBytes = Buffer.from(this.#serializeKey(key));
    const minEnd = Math.max(earliestEnd, this.#minLiveEnd());
    const maxEnd = this.#observedStreamTime;
    const merged = new Map<string, FoundSession<K, AGG>>();
    if (minEnd <= maxEnd) {
      const lastSegment = this.#segmentOf(maxEnd);
      const keyEnd = Buffer.alloc(SUFFIX, 0xff);
      for (let segment = this.#segmentOf(minEnd); segment <= lastSegment; segment++) {
        // [segment][key][end = minEnd][start = 0] up to [segment][key][0xff…]: this key's sessions from minEnd on.
        const start = Buffer.concat([segmentPrefix(segment), sessionKeyToBinary(keyBytes, 0, minEnd)]);
        const end = Buffer.concat([segmentPrefix(segment), keyBytes, keyEnd]);
        for (const { key: storeKey, value } of db.getRange({ start, end })) {
          if (storeKey.length !== SEGMENT_PREFIX + keyBytes.length + SUFFIX) continue;
          const sessionEnd = readLongBE(storeKey, storeKey.length - 16);
          const sessionStart = readLongBE(storeKey, storeKey.length - 8);
          if (sessionEnd < minEnd || sessionStart > latestStart) continue;
          merged.set(storeKey.subarray(SEGMENT_PREFIX).toString('latin1'), {
            start: sessionStart,
            end: sessionEnd,
            key: undefined,
            keyBytes,
            stored: value,
            value: undefined,
          });
        }
      }
    }
    for (const [id, change] of this.#dirtyByKey.get(keyBytes.toString('latin1')) ?? []) {
      if (!change.stored) continue;
      if (change.value === null) merged.delete(id);
      else if (change.end >= minEnd && change.start <= latestStart)
        merged.set(id, {
          start: change.start,
          end: change.end,
          key: change.key,
          keyBytes,
          stored: undefined,
          value: change.value,
        });
    }
    return [...merged.values()].sort((a, b) => a.end - b.end || a.start - b.start);
  }

  #toResults(found: FoundSession<K, AGG>[], key: K, backward: boolean): KeyValue<Windowed<K>, AGG>[] {
    const topic = this.changelogTopic ?? this.name;
    const result = found.map((f) => ({
      key: { key: f.key ?? key, window: { start: f.start, end: f.end } } as Windowed<K>,
      value: f.stored === undefined ? (f.value as AGG) : this.#valueSerde.deserializer(topic, f.stored),
    }));
    return backward ? result.reverse() : result;
  }

  findSessions(key: K, earliestSessionEndTime: number, latestSessionStartTime: number): KeyValue<Windowed<K>, AGG>[] {
    return this.#toResults(this.#find(key, earliestSessionEndTime, latestSessionStartTime), key, false);
  }

  backwardFindSessions(
    key: K,
    earliestSessionEndTime: number,
    latestSessionStartTime: number,
  ): KeyValue<Windowed<K>, AGG>[] {
    return this.#toResults(this.#find(key, earliestSessionEndTime, latestSessionStartTime), key, true);
  }

  fetchSession(key: K, sessionStartTime: number, sessionEndTime: number): AGG | undefined {
    const db = this.#db();
    if (sessionEndTime < this.#minLiveEnd()) return undefined;
    const binaryKey = sessionKeyToBinary(this.#serializeKey(key), sessionStartTime, sessionEndTime);
    const change = this.#dirty.get(binaryKey.toString('latin1'));
    if (change?.stored) return change.value ?? undefined;
    const stored = db.get(this.#storeKey(binaryKey, sessionEndTime));
    return stored === undefined ? undefined : this.#valueSerde.deserializer(this.changelogTopic ?? this.name, stored);
  }

  fetch(key: K): KeyValue<Windowed<K>, AGG>[] {
    return this.#toResults(this.#find(key, 0, Number.MAX_SAFE_INTEGER), key, false);
  }

  backwardFetch(key: K): KeyValue<Windowed<K>, AGG>[] {
    return this.#toResults(this.#find(key, 0, Number.MAX_SAFE_INTEGER), key, true);
  }

  approximateNumEntries(): number {
    return Math.max(0, (this.#db().getStats() as { entryCount: number }).entryCount - 1) + this.#dirty.size;
  }

  /** Writes changelog records (Java's SessionKeySchema keys) straight into LMDB, one transaction per batch. */
  restoreBatch(records: readonly RestoreRecord[]): void {
    const db = this.#db();
    db.transactionSync(() => {
      for (const record of records) {
        if (record.key === null) continue;
        if (record.key.length < SUFFIX)
          throw new RangeError(
            `session store "${this.name}": a changelog key needs at least ${SUFFIX} bytes ([key][end 8][start 8]), got ${record.key.length}`,
          );
        const end = readLongBE(record.key, record.key.length - 16);
        if (end > this.#observedStreamTime) this.#observedStreamTime = end;
        const storeKey = this.#storeKey(record.key, end);
        if (record.value === null) db.removeSync(storeKey);
        else if (end > this.#observedStreamTime - this.retentionPeriod) db.putSync(storeKey, Buffer.from(record.value));
      }
      this.#afterWrites(db);
    }, COMMIT_WITHOUT_DISK_FLUSH);
  }

  #afterWrites(db: RootDatabase<Buffer, Buffer>): void {
    if (this.#observedStreamTime !== NO_TIMESTAMP) deleteSegmentsBefore(db, this.#segmentOf(this.#minLiveEnd()));
    const meta = Buffer.allocUnsafe(8);
    writeLongBE(meta, this.#observedStreamTime, 0);
    db.putSync(META_KEY, meta);
  }

  flush(): void {
    if (!this.#lmdb.isOpen) return;
    const db = this.#db();
    const flushing = this.#dirty;
    this.#dirty = new Map();
    this.#dirtyByKey = new Map();
    const collector = this.#collector;
    const topic = this.changelogTopic ?? this.name;
    const partition = this.#context?.partition ?? 0;
    db.transactionSync(() => {
      for (const change of flushing.values()) {
        const valueBytes = change.value === null ? null : this.#valueSerde.serializer(topic, change.value);
        if (change.stored) {
          const storeKey = this.#storeKey(change.binaryKey, change.end);
          if (valueBytes === null) db.removeSync(storeKey);
          else db.putSync(storeKey, valueBytes);
        }
        collector?.send({
          topic,
          partition,
          key: change.binaryKey,
          value: valueBytes,
          timestamp: change.timestamp,
          headers: [],
        });
      }
      this.#afterWrites(db);
    }, COMMIT_WITHOUT_DISK_FLUSH);
  }

  whenWritten(): Promise<void> {
    return this.#lmdb.whenWritten();
  }

  wipe(): void {
    const db = this.#db();
    this.#dirty.clear();
    this.#dirtyByKey.clear();
    this.#observedStreamTime = NO_TIMESTAMP;
    db.clearSync();
  }

  close(): void {
    if (!this.#lmdb.close()) return;
    this.#dirty.clear();
    this.#dirtyByKey.clear();
  }

  whenClosed(): Promise<void> {
    return this.#lmdb.whenClosed();
  }
}
